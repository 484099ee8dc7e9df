package dev.casebook.memory.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.casebook.inference.InferenceRuntime;
import dev.casebook.inference.InferenceSettings;
import dev.casebook.inference.MicroBatcher;
import dev.casebook.testkit.SharedData;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.io.BufferedReader;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The DJL runner of the in-process model against LangChain4j's runner of the same ONNX file and tokenizer (what
 * the server used before): the same vectors, on every DeepResearcher test question and on texts long enough to be
 * split into windows.
 */
class InProcessEmbedderIT {

    private static InProcessEmbedder embedder;
    private static LangChainEmbedder langchain;

    @BeforeAll
    static void load() {
        // a batch window and two workers, so that concurrent callers share batches and workers in these tests
        embedder = InProcessEmbedder.open(InferenceRuntime.open(InferenceSettings.DEFAULTS.withBatching(
                new MicroBatcher.Settings(Duration.ofMillis(2), 64, Duration.ofSeconds(120), 2))));
        // after DJL's engine: it must create the process's ONNX Runtime environment first
        langchain = new LangChainEmbedder(new AllMiniLmL6V2QuantizedEmbeddingModel(), "langchain4j", 64);
    }

    @AfterAll
    static void close() {
        embedder.close();
    }

    @Test
    void gives_the_vectors_of_langchain4j_on_every_deepresearcher_question() throws Exception {
        List<String> questions = deepResearcherQuestions();
        assertThat(questions).hasSizeGreaterThan(3000);

        List<float[]> expected = langchain.embedAll(questions);
        List<float[]> actual = new ArrayList<>();
        for (int from = 0; from < questions.size(); from += 64) {
            actual.addAll(embedder.embedAll(questions.subList(from, Math.min(questions.size(), from + 64))));
        }

        assertThat(actual).hasSize(questions.size());
        double worst = 1;
        int worstAt = -1;
        for (int i = 0; i < questions.size(); i++) {
            double cosine = dot(actual.get(i), expected.get(i));
            if (cosine < worst) {
                worst = cosine;
                worstAt = i;
            }
        }
        assertThat(worst).as("lowest cosine, question %d", worstAt).isGreaterThanOrEqualTo(1 - 1e-4);
    }

    @Test
    void gives_the_vectors_of_langchain4j_on_texts_split_into_windows() {
        String words = String.join(" ", Collections.nCopies(90, "Antidisestablishmentarianism and "
                + "photosynthesis in Ouagadougou's"));
        List<String> texts = List.of(words, words.substring(0, 3000) + " ... naïve café — 東京 🙂",
                "don't split can't won't", "Résumé: ½ of 3² = 4.5 ± 0.1 µm");

        List<float[]> expected = langchain.embedAll(texts);
        List<float[]> actual = embedder.embedAll(texts);

        for (int i = 0; i < texts.size(); i++) {
            assertThat(dot(actual.get(i), expected.get(i))).as("text %d", i).isGreaterThanOrEqualTo(1 - 1e-4);
        }
    }

    @Test
    void concurrent_callers_each_get_their_own_vectors_in_order() throws Exception {
        List<String> questions = deepResearcherQuestions().subList(0, 96);
        List<float[]> alone = new ArrayList<>();
        for (String q : questions) {
            alone.add(embedder.embed(q));
        }
        int callers = 12;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<List<float[]>>> results = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                // each caller its own slice, in its own order (reversed for odd callers)
                List<String> slice = new ArrayList<>(questions.subList(c * 8, c * 8 + 8));
                if (c % 2 == 1) {
                    Collections.reverse(slice);
                }
                boolean oneByOne = c % 3 == 0;
                results.add(pool.submit(() -> oneByOne ? slice.stream().map(embedder::embed).toList()
                        : embedder.embedAll(slice)));
            }
            for (int c = 0; c < callers; c++) {
                List<float[]> vectors = results.get(c).get(120, TimeUnit.SECONDS);
                assertThat(vectors).hasSize(8);
                for (int i = 0; i < 8; i++) {
                    int index = c * 8 + (c % 2 == 1 ? 7 - i : i);
                    assertThat(dot(vectors.get(i), alone.get(index))).as("caller %d, text %d", c, i)
                            .isCloseTo(1.0, within(1e-6));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void reports_the_model_and_its_dimension() {
        assertThat(embedder.modelId()).isEqualTo("all-minilm-l6-v2-q");
        assertThat(embedder.dimension()).isEqualTo(384);
        float[] v = embedder.embed("What is the capital of France?");
        assertThat(Math.sqrt(dot(v, v))).isCloseTo(1.0, within(1e-5));
        assertThat(embedder.embedAll(List.of())).isEmpty();
    }

    @Test
    void rejects_blank_text_naming_its_position() {
        assertThatThrownBy(() -> embedder.embed(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("text at index 0 is blank; only non-blank texts can be embedded");
        assertThatThrownBy(() -> embedder.embedAll(Arrays.asList("fine", null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("text at index 1 is null; only non-blank texts can be embedded");
    }

    private static List<String> deepResearcherQuestions() throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<String> questions = new ArrayList<>();
        try (BufferedReader lines = Files.newBufferedReader(SharedData.file("deepresearcher/test.jsonl"))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (!line.isBlank()) {
                    questions.add(json.readTree(line).path("prompt").path(0).path("content").asText());
                }
            }
        }
        return questions;
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }
}
