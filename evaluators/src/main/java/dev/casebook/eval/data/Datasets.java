package dev.casebook.eval.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads datasets. {@link #open(Path)} recognises the format: a folder is GAIA; a CSV is SimpleQA when its header has
 * {@code metadata}, else FRAMES when it has {@code question} and {@code true_answer}; a JSONL or parquet file is
 * judged by the fields of its first row ({@code prompt} and {@code reward_model}: verl; {@code task_id} and
 * {@code Question}: GAIA metadata; {@code ground_truth}: Memento; {@code answers}: generic). Every row must be
 * well-formed and ids unique, otherwise a {@link DatasetException} names the file and the row.
 */
public final class Datasets {
    private Datasets() {
    }

    public static Dataset open(Path path) {
        return open(path, detect(path));
    }

    public static Dataset open(Path path, DatasetFormat format) {
        return switch (format) {
            case GAIA -> gaia(path, "validation");
            case SIMPLEQA, FRAMES -> named(path, format, CsvRows.read(path, format));
            case VERL -> named(path, format, mapRows(path, JsonRows.read(path), new VerlRows()));
            case MEMENTO -> named(path, format, mapRows(path, JsonRows.read(path), new MementoRows()));
            case GENERIC -> named(path, format, mapRows(path, JsonRows.read(path), new GenericRows()));
        };
    }

    /** A GAIA folder (download root, split folder or metadata file); {@code split} is {@code validation} or {@code test}. */
    public static Dataset gaia(Path path, String split) {
        Path metadata = GaiaFolder.metadataFile(path, split);
        List<EvalItem> items = mapRows(metadata, JsonRows.read(metadata), GaiaFolder.mapper(metadata.getParent()));
        return new Dataset("gaia-" + split, DatasetFormat.GAIA, metadata, items);
    }

    public static DatasetFormat detect(Path path) {
        if (Files.isDirectory(path)) {
            if (GaiaFolder.looksLikeGaia(path)) {
                return DatasetFormat.GAIA;
            }
            throw new DatasetException(path, 0, "a folder must be a GAIA folder (metadata.jsonl or metadata.parquet)");
        }
        JsonRows.requireFile(path);
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) {
            List<String> header = CsvRows.header(path);
            if (header.contains("metadata") && header.contains("question") && header.contains("true_answer")) {
                return DatasetFormat.SIMPLEQA;
            }
            if (header.contains("question") && header.contains("true_answer")) {
                return DatasetFormat.FRAMES;
            }
            throw new DatasetException(path, 0, "CSV header " + header + " is neither SimpleQA nor FRAMES");
        }
        List<JsonRows.Row> rows = JsonRows.read(path);
        if (rows.isEmpty()) {
            throw new DatasetException(path, 0, "no rows");
        }
        JsonNode first = rows.getFirst().node();
        if (first.has("prompt") && first.has("reward_model")) {
            return DatasetFormat.VERL;
        }
        if (first.has("task_id") && first.has("Question")) {
            return DatasetFormat.GAIA;
        }
        if (first.has("ground_truth") && first.has("question")) {
            return DatasetFormat.MEMENTO;
        }
        if (first.has("answers") && first.has("question")) {
            return DatasetFormat.GENERIC;
        }
        throw new DatasetException(path, rows.getFirst().number(), "unknown row layout with fields " + fieldNames(first));
    }

    static List<EvalItem> mapRows(Path path, List<JsonRows.Row> rows, RowMapper mapper) {
        List<EvalItem> items = new ArrayList<>(rows.size());
        Map<String, Long> seen = new HashMap<>();
        for (JsonRows.Row row : rows) {
            EvalItem item;
            try {
                item = mapper.map(row.number(), row.node());
            } catch (MalformedRow | IllegalArgumentException e) {
                throw new DatasetException(path, row.number(), e.getMessage());
            }
            Long earlier = seen.putIfAbsent(item.id(), row.number());
            if (earlier != null) {
                throw new DatasetException(path, row.number(), "duplicate id '" + item.id() + "' (first at row " + earlier + ")");
            }
            items.add(item);
        }
        return items;
    }

    private static Dataset named(Path path, DatasetFormat format, List<EvalItem> items) {
        return new Dataset(name(path), format, path, items);
    }

    /** File stems that name a split, not a dataset: such a file is named with its folder too. */
    private static final Set<String> SPLIT_NAMES = Set.of("test", "train", "dev", "validation", "valid", "val", "eval",
            "data", "dataset", "questions", "metadata");

    /**
     * A dataset file's name for lists: its stem ({@code frames_test_set}), or folder and stem when the stem only names
     * a split ({@code deepresearcher/test}, not {@code test} for every such file). A folder named by a UUID (an
     * upload's) is no name.
     */
    static String name(Path path) {
        String file = path.getFileName().toString();
        int dot = file.lastIndexOf('.');
        String stem = dot > 0 ? file.substring(0, dot) : file;
        Path parent = path.toAbsolutePath().getParent();
        if (!SPLIT_NAMES.contains(stem.toLowerCase(Locale.ROOT)) || parent == null || parent.getFileName() == null) {
            return stem;
        }
        String folder = parent.getFileName().toString();
        return folder.matches("(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}") ? stem
                : folder + "/" + stem;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
