package dev.casebook.server.evaluation;

import dev.casebook.server.security.SecuritySettings;
import dev.casebook.server.web.ApiException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Where a run's {@code dataset} may come from. An upload ({@code upload:<id>/<file>}) is kept in a folder of its
 * tenant under {@code casebook.evaluation.upload-dir} and only that tenant can use it. A server path must resolve,
 * after normalisation and symbolic links, inside {@code casebook.evaluation.dataset-root} when one is set (relative
 * paths are taken from the root); with auth on and no root, server paths are refused, so that no API client can read
 * an arbitrary file the server can read. Only a loopback server without auth (the developer default) takes any path.
 */
@Component
class DatasetPaths {
    static final String UPLOAD = "upload:";

    private final Path uploads;
    private final Path root;
    private final String rootSetting;
    private final boolean securityOn;

    DatasetPaths(EvaluationSettings settings, SecuritySettings security) {
        this.uploads = Path.of(settings.uploadDir()).toAbsolutePath().normalize();
        this.rootSetting = settings.datasetRoot();
        this.root = rootSetting == null ? null : Path.of(rootSetting).toAbsolutePath().normalize();
        this.securityOn = security.enabled();
    }

    /** The folder of a tenant's uploads: named by a hash, since tenant names may hold any character. */
    Path uploadFolder(String tenant) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(tenant.getBytes(StandardCharsets.UTF_8));
            return uploads.resolve("tenant-" + HexFormat.of().formatHex(digest, 0, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    /**
     * The file or folder a run of {@code tenant} reads.
     *
     * @throws ApiException 400 when it does not exist (or is another tenant's upload), 403 when server paths are not
     *                      allowed or the path lies outside the dataset root
     */
    Path resolve(String tenant, String dataset) {
        try {
            return resolvePath(tenant, dataset);
        } catch (InvalidPathException e) {
            throw ApiException.badRequest("field 'dataset' is not a valid path: " + e.getMessage());
        }
    }

    private Path resolvePath(String tenant, String dataset) {
        if (dataset.startsWith(UPLOAD)) {
            Path folder = uploadFolder(tenant);
            Path path = folder.resolve(dataset.substring(UPLOAD.length())).normalize();
            if (!path.startsWith(folder) || path.equals(folder) || !Files.isRegularFile(path) || !inside(path, folder)) {
                throw ApiException.badRequest("no uploaded dataset '" + dataset + "' (uploads are kept per tenant;"
                        + " upload it with POST /api/evaluations/datasets)");
            }
            return path;
        }
        if (root == null) {
            if (securityOn) {
                throw new ApiException(HttpStatus.FORBIDDEN, "server paths are refused as datasets: auth is on and"
                        + " casebook.evaluation.dataset-root is not set; upload the dataset (POST"
                        + " /api/evaluations/datasets, then pass its upload:<id>) or have the operator set"
                        + " casebook.evaluation.dataset-root");
            }
            return existing(Path.of(dataset).toAbsolutePath().normalize(), dataset);
        }
        Path path = root.resolve(dataset).normalize();
        if (!path.startsWith(root)) {
            throw outsideRoot(dataset);
        }
        existing(path, dataset);
        if (!inside(path, root)) {
            throw outsideRoot(dataset);
        }
        return path;
    }

    /**
     * An attachment of an item of {@code dataset} as the run will read it: its real path, every symbolic link
     * followed. A GAIA folder inside the root may hold a link to a file outside it; that file is not the dataset's.
     *
     * @throws ApiException 403 when the real path lies outside the root the dataset had to lie in (the dataset root,
     *                      or the tenant's upload folder), 400 when the attachment cannot be read
     */
    Path attachment(String tenant, String dataset, Path attachment) {
        Path real;
        try {
            real = attachment.toRealPath();
        } catch (IOException e) {
            throw ApiException.badRequest("attachment '" + attachment.getFileName() + "' of dataset '" + dataset
                    + "' cannot be read: " + e.getMessage());
        }
        Path confinement = dataset.startsWith(UPLOAD) ? uploadFolder(tenant) : root;
        if (confinement == null) {
            return real;
        }
        try {
            if (real.startsWith(confinement.toRealPath())) {
                return real;
            }
        } catch (IOException e) {
            throw new IllegalStateException("the dataset root " + confinement + " cannot be read: " + e.getMessage(), e);
        }
        throw new ApiException(HttpStatus.FORBIDDEN, "attachment '" + attachment.getFileName() + "' of dataset '"
                + dataset + "' lies outside " + (dataset.startsWith(UPLOAD) ? "the tenant's uploads"
                : "casebook.evaluation.dataset-root (" + rootSetting + ")") + " once symbolic links are followed");
    }

    private static Path existing(Path path, String dataset) {
        if (!Files.exists(path)) {
            throw ApiException.badRequest("dataset '" + dataset + "' not found on the server");
        }
        return path;
    }

    /** True when {@code path}, with every symbolic link followed, is inside {@code folder} (followed too). */
    private static boolean inside(Path path, Path folder) {
        try {
            return path.toRealPath().startsWith(folder.toRealPath());
        } catch (IOException e) {
            return false;
        }
    }

    private ApiException outsideRoot(String dataset) {
        return new ApiException(HttpStatus.FORBIDDEN, "dataset paths must lie under casebook.evaluation.dataset-root ("
                + rootSetting + "), symbolic links included; '" + dataset + "' does not");
    }
}
