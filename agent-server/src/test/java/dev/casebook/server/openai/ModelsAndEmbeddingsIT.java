package dev.casebook.server.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.casebook.memory.embedding.Embedder;
import dev.casebook.testkit.http.TestClient;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** {@code GET /v1/models} per key, and {@code POST /v1/embeddings} with the server's own embedding model. */
class ModelsAndEmbeddingsIT extends OpenAiServer {
    @Autowired
    Embedder embedder;

    private static List<String> ids(TestClient.Reply r) {
        List<String> ids = new ArrayList<>();
        r.json().path("data").forEach(m -> ids.add(m.path("id").asString()));
        return ids;
    }

    @Test
    void models_are_the_profiles_a_key_may_use_and_the_embedding_model() {
        TestClient.Reply acme = v1().get("/v1/models");
        assertThat(acme.status()).isEqualTo(200);
        assertThat(acme.json().path("object").asString()).isEqualTo("list");
        assertThat(ids(acme)).containsExactly("casebook", "casebook-readonly", "casebook-similarity",
                "casebook-embeddings");
        JsonNode first = acme.json().path("data").path(0);
        assertThat(first.path("object").asString()).isEqualTo("model");
        assertThat(first.path("owned_by").asString()).isEqualTo("casebook");
        assertThat(first.path("created").asLong()).isPositive();
        assertThat(ids(v1().as(KEY_B).get("/v1/models"))).containsExactly("casebook", "casebook-similarity",
                "casebook-embeddings");
        assertThat(v1().get("/v1/models/casebook-readonly").json().path("description").asString())
                .isEqualTo("reads memory, never writes it");
        TestClient.Reply hidden = v1().as(KEY_B).get("/v1/models/casebook-readonly");
        assertThat(hidden.status()).isEqualTo(404);
        assertThat(hidden.error().path("code").asString()).isEqualTo("model_not_found");
    }

    @Test
    void embeddings_are_the_in_process_models_vectors_as_floats_or_base64() {
        TestClient.Reply r = v1().post("/v1/embeddings", "{\"model\": \"casebook-embeddings\", "
                + "\"input\": [\"a spider has eight legs\", \"the capital of France\"]}");

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode data = r.json().path("data");
        assertThat(data).hasSize(2);
        float[] expected = embedder.embed("the capital of France");
        JsonNode second = data.path(1);
        assertThat(second.path("index").asInt()).isEqualTo(1);
        assertThat(second.path("embedding")).hasSize(embedder.dimension());
        for (int i = 0; i < expected.length; i++) {
            assertThat(second.path("embedding").path(i).floatValue()).isCloseTo(expected[i], within(1e-5f));
        }
        assertThat(r.json().path("model").asString()).isEqualTo("casebook-embeddings");
        assertThat(r.json().path("usage").path("total_tokens").asLong()).isPositive();

        TestClient.Reply b64 = v1().post("/v1/embeddings", "{\"model\": \"casebook-embeddings\", "
                + "\"input\": \"the capital of France\", \"encoding_format\": \"base64\"}");
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(b64.json().path("data").path(0)
                .path("embedding").asString())).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : expected) {
            assertThat(bytes.getFloat()).isCloseTo(v, within(1e-5f));
        }
    }

    @Test
    void embedding_requests_casebook_cannot_serve_are_openai_errors() {
        TestClient.Reply model = v1().post("/v1/embeddings", "{\"model\": \"text-embedding-3-small\", \"input\": \"x\"}");
        assertThat(model.status()).isEqualTo(404);
        assertThat(model.error().path("code").asString()).isEqualTo("model_not_found");
        TestClient.Reply tokens = v1().post("/v1/embeddings", "{\"model\": \"casebook-embeddings\", \"input\": [[1, 2]]}");
        assertThat(tokens.status()).isEqualTo(400);
        assertThat(tokens.error().path("param").asString()).isEqualTo("input[0]");
        TestClient.Reply dims = v1().post("/v1/embeddings", "{\"model\": \"casebook-embeddings\", \"input\": \"x\", "
                + "\"dimensions\": 64}");
        assertThat(dims.status()).isEqualTo(400);
        assertThat(dims.error().path("message").asString()).contains("must be the model's own, "
                + embedder.dimension());
        TestClient.Reply chat = v1().post("/v1/chat/completions", OpenAiServer.chat("casebook-embeddings", "user", "hi")
                .toString());
        assertThat(chat.status()).isEqualTo(404);
        assertThat(chat.error().path("message").asString()).contains("it is the embedding model");
    }
}
