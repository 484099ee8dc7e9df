package dev.casebook.server.openai;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.casebook.memory.embedding.Embedder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /v1/embeddings} with the server's in-process embedding model ({@value ModelCatalog#EMBEDDINGS}), the
 * one its case memory uses: {@code input} is a string or an array of up to {@value #MAX_INPUTS} strings (token arrays
 * are refused), {@code encoding_format} {@code float} (default) or {@code base64} (little-endian float32, what
 * OpenAI's SDKs ask for), {@code dimensions} only the model's own. Usage tokens are estimated (four characters a
 * token): the model does not report them.
 */
@RestController
class EmbeddingsController {
    static final int MAX_INPUTS = 2048;

    private final ModelCatalog catalog;

    EmbeddingsController(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    record Embedding(String object, int index, Object embedding) {
    }

    record Usage(@JsonProperty("prompt_tokens") long promptTokens, @JsonProperty("total_tokens") long totalTokens) {
    }

    record Embeddings(String object, List<Embedding> data, String model, Usage usage) {
    }

    @PostMapping("/v1/embeddings")
    Embeddings embed(@RequestBody JsonNode body) {
        String model = body.path("model").asString("");
        if (!model.equals(ModelCatalog.EMBEDDINGS)) {
            throw new OpenAiException(HttpStatus.NOT_FOUND, "model", "model_not_found", "the embedding model is '"
                    + ModelCatalog.EMBEDDINGS + "', not '" + model + "'");
        }
        List<String> inputs = inputs(body.path("input"));
        String format = body.path("encoding_format").asString("float");
        if (!format.equals("float") && !format.equals("base64")) {
            throw OpenAiException.invalid("encoding_format", "'encoding_format' must be float or base64, was '"
                    + format + "'");
        }
        Embedder embedder = catalog.embedder(); // 503 without one, once the request is known good
        JsonNode dimensions = body.path("dimensions");
        if (!dimensions.isMissingNode() && !dimensions.isNull() && dimensions.asInt(-1) != embedder.dimension()) {
            throw OpenAiException.unsupported("dimensions", "'dimensions' must be the model's own, "
                    + embedder.dimension() + ", was " + dimensions);
        }
        List<float[]> vectors = embedder.embedAll(inputs);
        List<Embedding> data = new ArrayList<>();
        long tokens = 0;
        for (int i = 0; i < vectors.size(); i++) {
            data.add(new Embedding("embedding", i, format.equals("base64") ? base64(vectors.get(i))
                    : vectors.get(i)));
            tokens += (inputs.get(i).length() + 3) / 4;
        }
        return new Embeddings("list", data, ModelCatalog.EMBEDDINGS, new Usage(tokens, tokens));
    }

    private static List<String> inputs(JsonNode input) {
        List<String> texts = new ArrayList<>();
        if (input.isString()) {
            texts.add(input.asString());
        } else if (input.isArray() && !input.isEmpty() && input.size() <= MAX_INPUTS) {
            for (int i = 0; i < input.size(); i++) {
                if (!input.get(i).isString()) {
                    throw OpenAiException.unsupported("input[" + i + "]", "'input' must be text: a string or an "
                            + "array of strings (token arrays are not supported)");
                }
                texts.add(input.get(i).asString());
            }
        } else {
            throw OpenAiException.invalid("input", "'input' must be a string or an array of 1 to " + MAX_INPUTS
                    + " strings");
        }
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i).isBlank()) {
                throw OpenAiException.invalid(input.isArray() ? "input[" + i + "]" : "input", "an input must not be "
                        + "empty");
            }
        }
        return texts;
    }

    private static String base64(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : vector) {
            bytes.putFloat(v);
        }
        return Base64.getEncoder().encodeToString(bytes.array());
    }
}
