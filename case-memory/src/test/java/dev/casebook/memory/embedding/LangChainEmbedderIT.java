package dev.casebook.memory.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.casebook.inference.InferenceEngine;
import dev.casebook.inference.InferenceRuntime;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.model.output.Response;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LangChainEmbedderIT {

    private static AllMiniLmL6V2QuantizedEmbeddingModel model;
    private static LangChainEmbedder embedder;

    @BeforeAll
    static void loadModel() {
        // DJL's engine first: it must create the process's ONNX Runtime environment (InProcessEmbedderIT needs it)
        InferenceRuntime.shared().engine(InferenceEngine.ONNX_RUNTIME);
        model = new AllMiniLmL6V2QuantizedEmbeddingModel();
        embedder = new LangChainEmbedder(model, "all-minilm-l6-v2-q", 4);
    }

    @Test
    void reports_384_dimensions_and_a_stable_model_id() {
        assertThat(embedder.dimension()).isEqualTo(384);
        assertThat(embedder.modelId()).isEqualTo("all-minilm-l6-v2-q");
        assertThat(embedder.embed("What is the capital of France?")).hasSize(384);
    }

    @Test
    void vectors_have_unit_length() {
        for (float[] v : embedder.embedAll(List.of("a short text", "Who wrote the novel Moby-Dick?"))) {
            assertThat(Math.sqrt(dot(v, v))).isCloseTo(1.0, within(1e-5));
        }
    }

    @Test
    void similar_sentences_are_closer_than_unrelated_ones() {
        float[] question = embedder.embed("Who was the first president of the United States?");
        float[] paraphrase = embedder.embed("Name the first US president.");
        float[] unrelated = embedder.embed("How do I bake sourdough bread at home?");

        assertThat(dot(question, paraphrase)).isGreaterThan(dot(question, unrelated) + 0.2);
    }

    @Test
    void batched_results_equal_single_results_in_order() {
        List<String> texts = List.of("the river Thames", "quantum chromodynamics", "a recipe for pancakes",
                "When did the Berlin wall fall?", "Largest moon of Saturn", "jazz musicians of the 1950s",
                "how tall is Mount Everest");
        List<float[]> batched = embedder.embedAll(texts);

        assertThat(batched).hasSize(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            float[] single = embedder.embed(texts.get(i));
            for (int d = 0; d < single.length; d++) {
                assertThat(batched.get(i)[d]).as("text %d dim %d", i, d).isCloseTo(single[d], within(1e-5f));
            }
        }
    }

    @Test
    void sends_texts_to_the_model_in_batches_of_at_most_the_batch_size() {
        List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        EmbeddingModel recording = new EmbeddingModel() {
            @Override
            public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
                batchSizes.add(segments.size());
                return model.embedAll(segments);
            }

            @Override
            public int dimension() {
                return model.dimension();
            }
        };
        LangChainEmbedder batching = new LangChainEmbedder(recording, "recorded", 3);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            texts.add("question number " + i);
        }

        List<float[]> vectors = batching.embedAll(texts);

        assertThat(batchSizes).containsExactly(3, 3, 2);
        assertThat(vectors).hasSize(8);
        assertThat(dot(vectors.get(5), batching.embed("question number 5"))).isCloseTo(1.0, within(1e-5));
        assertThat(dot(vectors.get(5), batching.embed("question number 6"))).isLessThan(0.9999);
    }

    @Test
    void an_empty_list_gives_no_vectors() {
        assertThat(embedder.embedAll(List.of())).isEmpty();
    }

    @Test
    void rejects_blank_text_naming_its_position() {
        assertThatThrownBy(() -> embedder.embed("  "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("text at index 0 is blank; only non-blank texts can be embedded");
        assertThatThrownBy(() -> embedder.embedAll(Arrays.asList("fine", "also fine", "")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("text at index 2 is blank; only non-blank texts can be embedded");
        assertThatThrownBy(() -> embedder.embedAll(Arrays.asList("fine", null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("text at index 1 is null; only non-blank texts can be embedded");
    }

    @Test
    void rejects_a_non_positive_batch_size() {
        assertThatThrownBy(() -> new LangChainEmbedder(model, "m", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("batchSize must be positive, was 0");
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }
}
