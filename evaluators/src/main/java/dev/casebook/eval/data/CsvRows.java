package dev.casebook.eval.data;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The SimpleQA and FRAMES CSV files (RFC 4180, header row, quoted multi-line fields). Ids are record numbers. */
final class CsvRows {
    private static final CsvMapper CSV = new CsvMapper();
    private static final Pattern TOPIC = Pattern.compile("'topic':\\s*'([^']*)'");

    private CsvRows() {
    }

    static List<String> header(Path path) {
        JsonRows.requireFile(path);
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            MappingIterator<List<String>> rows = CSV.readerForListOf(String.class)
                    .with(com.fasterxml.jackson.dataformat.csv.CsvParser.Feature.WRAP_AS_ARRAY)
                    .readValues(reader);
            return rows.hasNext() ? rows.next() : List.of();
        } catch (IOException e) {
            throw new DatasetException(path, 0, "cannot read CSV header: " + e.getMessage(), e);
        }
    }

    static List<EvalItem> read(Path path, DatasetFormat format) {
        JsonRows.requireFile(path);
        List<EvalItem> items = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8);
             MappingIterator<Map<String, String>> rows = CSV.readerForMapOf(String.class)
                     .with(CsvSchema.emptySchema().withHeader())
                     .readValues(reader)) {
            long number = 0;
            while (true) {
                Map<String, String> row;
                try {
                    if (!rows.hasNextValue()) {
                        break;
                    }
                    number++;
                    row = rows.nextValue();
                } catch (IOException | RuntimeException e) {
                    throw new DatasetException(path, number, "malformed CSV record: " + e.getMessage(), e);
                }
                try {
                    items.add(format == DatasetFormat.SIMPLEQA ? simpleQa(number, row) : frames(number, row));
                } catch (MalformedRow e) {
                    throw new DatasetException(path, number, e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new DatasetException(path, 0, "cannot read CSV: " + e.getMessage(), e);
        }
        return items;
    }

    private static EvalItem simpleQa(long number, Map<String, String> row) {
        String question = required(row, "question");
        String answer = required(row, "true_answer");
        String raw = row.getOrDefault("metadata", "");
        Matcher topic = TOPIC.matcher(raw);
        String group = topic.find() ? topic.group(1) : null;
        Map<String, String> metadata = group == null ? Map.of() : Map.of("topic", group);
        return new EvalItem(String.valueOf(number), question, List.of(answer), List.of(), group, metadata);
    }

    private static EvalItem frames(long number, Map<String, String> row) {
        String question = required(row, "question");
        String answer = required(row, "true_answer");
        String reasoning = row.get("reasoning_types");
        Map<String, String> metadata = new LinkedHashMap<>();
        if (reasoning != null && !reasoning.isBlank()) {
            metadata.put("reasoning_types", reasoning);
        }
        return new EvalItem(String.valueOf(number), question.strip(), List.of(answer), List.of(),
                reasoning == null || reasoning.isBlank() ? null : reasoning, metadata);
    }

    private static String required(Map<String, String> row, String column) {
        String value = row.get(column);
        if (value == null || value.isBlank()) {
            throw new MalformedRow("column '" + column + "' is missing or empty");
        }
        return value;
    }
}
