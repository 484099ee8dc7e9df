package dev.casebook.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The public datasets in {@code ../shared/data}, read in place (never copied into the repository). The build passes
 * their location as {@code CASEBOOK_SHARED_DATA}; without it the folder is looked up beside the checkout.
 */
public final class SharedData {
    private SharedData() {
    }

    public static Path root() {
        String configured = System.getenv("CASEBOOK_SHARED_DATA");
        Path candidate = configured != null ? Path.of(configured) : locateBesideCheckout();
        if (candidate == null || !Files.isDirectory(candidate)) {
            throw new IllegalStateException("shared data folder not found (" + candidate
                    + "); set CASEBOOK_SHARED_DATA to the path of shared/data");
        }
        return candidate.toAbsolutePath().normalize();
    }

    /** A file under the shared data folder, which must exist. */
    public static Path file(String relative) {
        Path path = root().resolve(relative);
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("shared data file missing: " + path);
        }
        return path;
    }

    private static Path locateBesideCheckout() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path data = dir.resolveSibling("shared").resolve("data");
            if (Files.isDirectory(data)) {
                return data;
            }
        }
        return null;
    }
}
