package dev.casebook.memory.policy.learned;

import ai.djl.MalformedModelException;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * A Q-network saved in a directory: DJL parameters in {@code q-network-<sha256>.params} and a JSON header
 * {@code q-network.json} naming them with their checksum, the embedding model and dimension, the feature layout
 * version and the training steps.
 *
 * <p>Saving is crash-safe: the parameters get a new file, then the header is replaced atomically, then the old
 * parameters are deleted. Loading while another thread or process saves reads a whole checkpoint: when the parameters
 * its header named are gone, a save replaced the header meanwhile, and the load reads the one it names now. Loading
 * refuses, with a {@link CheckpointRejectedException} that says why, a header that
 * does not parse, parameters that do not match their checksum or do not load, and a checkpoint trained for another
 * embedding model, dimension or feature layout.
 */
public final class Checkpoint {
    /**
     * What a checkpoint of an older feature layout is told: what changed and how to start again. Version 3 added the
     * case's source and confirmed bit (issue 15).
     */
    static final String OLDER_LAYOUT = " (an older checkpoint: layout 3 added the case's source and confirmed bit to"
            + " the features; the policy selects by similarity until the checkpoint directory is emptied, then a new"
            + " network learns from there)";


    /** The header file's name. */
    public static final String HEADER = "q-network.json";
    static final String FORMAT = "casebook-q-network";

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private Checkpoint() {
    }

    /** The checkpoint's header, as written to {@value #HEADER}. */
    public record Header(String format, String embeddingModel, int dimension, int featureLayout, int hidden,
            long steps, String parameters, String sha256, String savedAt) {
        public Header {
            Objects.requireNonNull(format, "format");
            Objects.requireNonNull(embeddingModel, "embeddingModel");
            Objects.requireNonNull(parameters, "parameters");
            Objects.requireNonNull(sha256, "sha256");
        }
    }

    /** Saves {@code network}, trained on embeddings of {@code embeddingModel}, into {@code directory}. */
    public static Header save(QNetwork network, String embeddingModel, Path directory) {
        try {
            Files.createDirectories(directory);
            Optional<Header> previous = readHeaderQuietly(directory);
            long steps = network.steps();
            Path tmp = Files.createTempFile(directory, "q-network", ".params.tmp");
            MessageDigest digest = sha256();
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(tmp), digest)) {
                network.saveParameters(out);
            }
            String sha = HexFormat.of().formatHex(digest.digest());
            String parameters = "q-network-" + sha.substring(0, 16) + ".params";
            move(tmp, directory.resolve(parameters));
            Header header = new Header(FORMAT, embeddingModel, network.settings().dimension(),
                    PairFeatures.LAYOUT_VERSION, network.settings().hidden(), steps, parameters, sha,
                    Instant.now().toString());
            Path headerTmp = Files.createTempFile(directory, "q-network", ".json.tmp");
            JSON.writerWithDefaultPrettyPrinter().writeValue(headerTmp.toFile(), header);
            move(headerTmp, directory.resolve(HEADER));
            if (previous.isPresent() && !previous.get().parameters().equals(parameters)) {
                Files.deleteIfExists(directory.resolve(previous.get().parameters()));
            }
            return header;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the Q-network checkpoint in " + directory, e);
        }
    }

    /**
     * Loads the checkpoint in {@code directory} for a policy using {@code embeddingModel} and
     * {@code settings.dimension()}; empty when there is none. The network keeps the checkpoint's hidden width and
     * takes the learning rate from {@code settings}.
     *
     * @throws CheckpointRejectedException when the checkpoint is corrupt or mismatched
     */
    public static Optional<QNetwork> load(Path directory, String embeddingModel, QNetwork.Settings settings) {
        return load(directory, embeddingModel, settings, () -> { });
    }

    /** {@link #load(Path, String, QNetwork.Settings)}, running {@code afterHeader} once the header was first read. */
    static Optional<QNetwork> load(Path directory, String embeddingModel, QNetwork.Settings settings,
            Runnable afterHeader) {
        Path headerFile = directory.resolve(HEADER);
        if (!Files.exists(headerFile)) {
            return Optional.empty();
        }
        Header header = readHeader(directory, headerFile);
        afterHeader.run();
        byte[] bytes;
        while (true) {
            check(directory, header, embeddingModel, settings.dimension());
            try {
                bytes = Files.readAllBytes(parametersOf(directory, header));
                break;
            } catch (NoSuchFileException e) {
                // a save replaces the header before it deletes the parameters the old header named: when the header
                // changed since it was read, read the checkpoint it names now
                Header now = readHeader(directory, headerFile);
                if (now.equals(header)) {
                    throw new CheckpointRejectedException(directory, "parameters file " + header.parameters()
                            + " named by the header is missing", e);
                }
                header = now;
            } catch (IOException e) {
                throw new CheckpointRejectedException(directory, "cannot read parameters " + header.parameters()
                        + " (" + e.getMessage() + ")", e);
            }
        }
        String actual = HexFormat.of().formatHex(sha256().digest(bytes));
        if (!actual.equals(header.sha256())) {
            throw new CheckpointRejectedException(directory, "corrupt parameters " + header.parameters()
                    + ": their SHA-256 is " + actual + " but the header says " + header.sha256(), null);
        }
        QNetwork network = QNetwork.create(
                new QNetwork.Settings(header.dimension(), header.hidden(), settings.learningRate()));
        try {
            network.loadParameters(new ByteArrayInputStream(bytes), header.steps());
            return Optional.of(network);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            network.close();
            throw new CheckpointRejectedException(directory, "parameters " + header.parameters()
                    + " do not load into the network (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + ")", e);
        }
    }

    private static Path parametersOf(Path directory, Header header) {
        Path home = directory.toAbsolutePath().normalize();
        Path parameters = home.resolve(header.parameters()).normalize();
        if (!home.equals(parameters.getParent())) {
            throw new CheckpointRejectedException(directory, "its header names parameters outside the directory: "
                    + header.parameters(), null);
        }
        return parameters;
    }

    private static void check(Path directory, Header header, String embeddingModel, int dimension) {
        if (!FORMAT.equals(header.format())) {
            throw new CheckpointRejectedException(directory, "format '" + header.format() + "' is not '" + FORMAT
                    + "'", null);
        }
        if (!header.embeddingModel().equals(embeddingModel) || header.dimension() != dimension) {
            throw new CheckpointRejectedException(directory, "it was trained for embedding model '"
                    + header.embeddingModel() + "' (dimension " + header.dimension() + ") but the policy uses '"
                    + embeddingModel + "' (dimension " + dimension + ")", null);
        }
        if (header.featureLayout() != PairFeatures.LAYOUT_VERSION) {
            throw new CheckpointRejectedException(directory, "it uses feature layout version "
                    + header.featureLayout() + " but this build uses version " + PairFeatures.LAYOUT_VERSION
                    + (header.featureLayout() < PairFeatures.LAYOUT_VERSION ? OLDER_LAYOUT : ""), null);
        }
        if (header.hidden() < 1 || header.steps() < 0) {
            throw new CheckpointRejectedException(directory, "its header has hidden=" + header.hidden() + " and steps="
                    + header.steps(), null);
        }
    }

    private static Header readHeader(Path directory, Path headerFile) {
        try {
            return JSON.readValue(headerFile.toFile(), Header.class);
        } catch (JacksonException e) {
            throw new CheckpointRejectedException(directory, "corrupt header " + HEADER + " ("
                    + e.getOriginalMessage() + ")", e);
        } catch (IOException e) {
            throw new CheckpointRejectedException(directory, "cannot read header " + HEADER + " (" + e.getMessage()
                    + ")", e);
        }
    }

    private static Optional<Header> readHeaderQuietly(Path directory) {
        try {
            return Optional.of(JSON.readValue(directory.resolve(HEADER).toFile(), Header.class));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
