package dev.casebook.eval.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Rows of a JSONL or parquet file as JSON objects with their 1-based row numbers. Parquet is read by DuckDB's JDBC
 * driver (nested columns become nested JSON), so both file kinds go through the same row mappers.
 */
final class JsonRows {
    static final ObjectMapper JSON = new ObjectMapper();

    record Row(long number, JsonNode node) {
    }

    private JsonRows() {
    }

    static List<Row> read(Path path) {
        requireFile(path);
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".parquet")) {
            return readParquet(path);
        }
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json")) {
            return readJsonl(path);
        }
        throw new DatasetException(path, 0, "expected a .jsonl or .parquet file");
    }

    static void requireFile(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new DatasetException(path, 0, "file not found");
        }
    }

    private static List<Row> readJsonl(Path path) {
        List<Row> rows = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            long number = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                rows.add(new Row(number, parseObject(path, number, line)));
            }
        } catch (CharacterCodingException e) {
            // the decoder's own message ("Input length = 1") tells a client nothing
            throw new DatasetException(path, 0, "not UTF-8 text: a .jsonl dataset is JSON objects, one a line, in"
                    + " UTF-8", e);
        } catch (IOException e) {
            throw new DatasetException(path, 0, "cannot read: " + e.getMessage(), e);
        }
        return rows;
    }

    private static JsonNode parseObject(Path path, long number, String line) {
        try {
            JsonNode node = JSON.readTree(line);
            if (node == null || !node.isObject()) {
                throw new DatasetException(path, number, "not a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new DatasetException(path, number, "invalid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static List<Row> readParquet(Path path) {
        String quoted = "'" + path.toAbsolutePath().toString().replace("'", "''") + "'";
        String sql = "SELECT t.file_row_number AS n, to_json(t) AS j FROM read_parquet(" + quoted
                + ", file_row_number = true) t ORDER BY n";
        List<Row> rows = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            while (result.next()) {
                long number = result.getLong(1) + 1;
                rows.add(new Row(number, parseObject(path, number, result.getString(2))));
            }
        } catch (SQLException e) {
            throw new DatasetException(path, 0, "cannot read parquet: " + e.getMessage(), e);
        }
        return rows;
    }
}
