package dev.casebook.memory.policy.learned;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

    private static final int DIMENSION = 8;
    private static final String MODEL = "all-minilm-l6-v2-q";
    private static final QNetwork.Settings SETTINGS = new QNetwork.Settings(DIMENSION, 16, 1e-2f);

    @TempDir
    Path dir;

    @Test
    void a_saved_network_loads_with_the_same_scores_and_steps() {
        SyntheticPairs pairs = SyntheticPairs.draw(DIMENSION, 32, new Random(5));
        float[] expected;
        try (QNetwork network = QNetwork.create(SETTINGS)) {
            network.train(pairs.features(), pairs.rewards(), pairs.rows());
            network.train(pairs.features(), pairs.rewards(), pairs.rows());
            expected = network.score(pairs.features(), pairs.rows());
            Checkpoint.Header header = Checkpoint.save(network, MODEL, dir);
            assertThat(header.embeddingModel()).isEqualTo(MODEL);
            assertThat(header.dimension()).isEqualTo(DIMENSION);
            assertThat(header.featureLayout()).isEqualTo(PairFeatures.LAYOUT_VERSION);
            assertThat(header.steps()).isEqualTo(2);
        }

        try (QNetwork loaded = Checkpoint.load(dir, MODEL, SETTINGS).orElseThrow()) {
            assertThat(loaded.steps()).isEqualTo(2);
            assertThat(loaded.score(pairs.features(), pairs.rows())).containsExactly(expected);
        }
    }

    @Test
    void no_checkpoint_loads_nothing() {
        assertThat(Checkpoint.load(dir, MODEL, SETTINGS)).isEmpty();
    }

    @Test
    void saving_again_replaces_the_parameters_file() throws IOException {
        SyntheticPairs pairs = SyntheticPairs.draw(DIMENSION, 8, new Random(5));
        try (QNetwork network = QNetwork.create(SETTINGS)) {
            Checkpoint.Header first = Checkpoint.save(network, MODEL, dir);
            network.train(pairs.features(), pairs.rewards(), pairs.rows());
            Checkpoint.Header second = Checkpoint.save(network, MODEL, dir);

            assertThat(second.parameters()).isNotEqualTo(first.parameters());
            try (var files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString()))
                        .containsExactlyInAnyOrder(Checkpoint.HEADER, second.parameters());
            }
        }
    }

    @Test
    void a_load_while_a_save_replaces_the_checkpoint_reads_the_new_one_whole() {
        SyntheticPairs pairs = SyntheticPairs.draw(DIMENSION, 8, new Random(5));
        try (QNetwork network = QNetwork.create(SETTINGS)) {
            Checkpoint.save(network, MODEL, dir);
            network.train(pairs.features(), pairs.rewards(), pairs.rows());
            float[] expected = network.score(pairs.features(), pairs.rows());

            // the trainer saves between the loader's reading the header and its reading the parameters it names
            try (QNetwork loaded = Checkpoint.load(dir, MODEL, SETTINGS, () -> Checkpoint.save(network, MODEL, dir))
                    .orElseThrow()) {
                assertThat(loaded.steps()).isEqualTo(1);
                assertThat(loaded.score(pairs.features(), pairs.rows())).containsExactly(expected);
            }
        }
    }

    @Test
    void refuses_a_checkpoint_of_another_embedding_model() {
        saveFresh();
        assertThatThrownBy(() -> Checkpoint.load(dir, "bge-small-en", SETTINGS))
                .isInstanceOf(CheckpointRejectedException.class)
                .hasMessage("refusing checkpoint " + dir + ": it was trained for embedding model '" + MODEL
                        + "' (dimension 8) but the policy uses 'bge-small-en' (dimension 8)");
    }

    @Test
    void refuses_a_checkpoint_of_another_dimension() {
        saveFresh();
        assertThatThrownBy(() -> Checkpoint.load(dir, MODEL, new QNetwork.Settings(16, 16, 1e-2f)))
                .isInstanceOf(CheckpointRejectedException.class)
                .hasMessage("refusing checkpoint " + dir + ": it was trained for embedding model '" + MODEL
                        + "' (dimension 8) but the policy uses '" + MODEL + "' (dimension 16)");
    }

    @Test
    void refuses_a_checkpoint_of_another_feature_layout() throws IOException {
        saveFresh();
        editHeader(header -> header.put("featureLayout", 99));
        assertThatThrownBy(() -> Checkpoint.load(dir, MODEL, SETTINGS))
                .hasMessage("refusing checkpoint " + dir + ": it uses feature layout version 99 but this build uses"
                        + " version " + PairFeatures.LAYOUT_VERSION);
    }

    @Test
    void refuses_a_header_that_is_not_json() throws IOException {
        saveFresh();
        Files.writeString(dir.resolve(Checkpoint.HEADER), "{\"format\": \"casebook-q-net");
        assertThatThrownBy(() -> Checkpoint.load(dir, MODEL, SETTINGS))
                .isInstanceOf(CheckpointRejectedException.class)
                .hasMessageStartingWith("refusing checkpoint " + dir + ": corrupt header q-network.json (");
    }

    @Test
    void refuses_parameters_that_do_not_match_their_checksum() throws Exception {
        Checkpoint.Header header = saveFresh();
        Path params = dir.resolve(header.parameters());
        byte[] bytes = Files.readAllBytes(params);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(params, bytes);

        assertThatThrownBy(() -> Checkpoint.load(dir, MODEL, SETTINGS))
                .isInstanceOf(CheckpointRejectedException.class)
                .hasMessage("refusing checkpoint " + dir + ": corrupt parameters " + header.parameters()
                        + ": their SHA-256 is " + sha256(bytes) + " but the header says " + header.sha256());
    }

    @Test
    void refuses_parameters_that_do_not_load_even_with_a_matching_checksum() throws Exception {
        Checkpoint.Header header = saveFresh();
        Path params = dir.resolve(header.parameters());
        byte[] truncated = Arrays.copyOf(Files.readAllBytes(params), 100);
        Files.write(params, truncated);
        String sha = sha256(truncated);
        editHeader(h -> h.put("sha256", sha));

        assertThatThrownBy(() -> Checkpoint.load(dir, MODEL, SETTINGS))
                .isInstanceOf(CheckpointRejectedException.class)
                .hasMessageStartingWith("refusing checkpoint " + dir + ": parameters " + header.parameters()
                        + " do not load into the network (");
    }

    @Test
    void refuses_a_header_whose_parameters_file_is_missing() throws IOException {
        Checkpoint.Header header = saveFresh();
        Files.delete(dir.resolve(header.parameters()));
        assertThatThrownBy(() -> Checkpoint.load(dir, MODEL, SETTINGS))
                .hasMessage("refusing checkpoint " + dir + ": parameters file " + header.parameters()
                        + " named by the header is missing");
    }

    private Checkpoint.Header saveFresh() {
        try (QNetwork network = QNetwork.create(SETTINGS)) {
            return Checkpoint.save(network, MODEL, dir);
        }
    }

    private void editHeader(Consumer<ObjectNode> edit) throws IOException {
        ObjectMapper json = new ObjectMapper();
        Path file = dir.resolve(Checkpoint.HEADER);
        ObjectNode header = (ObjectNode) json.readTree(file.toFile());
        edit.accept(header);
        json.writeValue(file.toFile(), header);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
