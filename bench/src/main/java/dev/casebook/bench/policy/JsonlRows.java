package dev.casebook.bench.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** The rows of a JSONL data file, blank lines skipped; a malformed row fails with the file and its line number. */
final class JsonlRows {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonlRows() {
    }

    /** Each non-blank line parsed as JSON and mapped by {@code row} (an IllegalArgumentException for a bad row). */
    static <T> List<T> read(Path file, Function<JsonNode, T> row) {
        List<T> rows = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file)) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    rows.add(row.apply(JSON.readTree(line)));
                } catch (IOException | IllegalArgumentException e) {
                    throw new IllegalArgumentException(file + " line " + number + ": " + e.getMessage(), e);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return rows;
    }
}
