package dev.casebook.eval.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A GAIA folder as downloaded: the given path may be the download root (then {@code 2023/<split>} is used), a split
 * folder, or the metadata file itself. {@code metadata.jsonl} is preferred over {@code metadata.parquet}. Fields:
 * {@code task_id}, {@code Question}, {@code Level}, {@code Final answer} (absent or {@code ?} on the test split:
 * no gold), {@code file_name} (an attachment beside the metadata, which must exist).
 */
final class GaiaFolder {
    private GaiaFolder() {
    }

    static Path metadataFile(Path path, String split) {
        if (Files.isRegularFile(path)) {
            return path;
        }
        for (Path folder : List.of(path.resolve("2023").resolve(split), path.resolve(split), path)) {
            for (String name : List.of("metadata.jsonl", "metadata.parquet")) {
                if (Files.isRegularFile(folder.resolve(name))) {
                    return folder.resolve(name);
                }
            }
        }
        throw new DatasetException(path, 0, "no GAIA metadata.jsonl or metadata.parquet here, in " + split
                + "/ or in 2023/" + split + "/");
    }

    static boolean looksLikeGaia(Path path) {
        if (!Files.isDirectory(path)) {
            return false;
        }
        for (Path folder : List.of(path.resolve("2023/validation"), path.resolve("2023/test"), path)) {
            if (Files.isRegularFile(folder.resolve("metadata.jsonl")) || Files.isRegularFile(folder.resolve("metadata.parquet"))) {
                return true;
            }
        }
        return false;
    }

    static RowMapper mapper(Path folder) {
        Path root = folder.toAbsolutePath().normalize();
        return (rowNumber, row) -> {
            String id = RowFields.requiredText(row, "task_id");
            String question = RowFields.requiredText(row, "Question");
            String level = RowFields.optionalText(row, "Level");
            String answer = RowFields.optionalText(row, "Final answer");
            List<String> golds = answer == null || answer.equals("?") ? List.of() : List.of(answer);
            String fileName = RowFields.optionalText(row, "file_name");
            List<Path> attachments = List.of();
            if (fileName != null && !fileName.isBlank()) {
                Path attachment = root.resolve(fileName).normalize();
                if (!attachment.startsWith(root) || attachment.equals(root)) {
                    throw new MalformedRow("file_name '" + fileName + "' points outside the GAIA folder");
                }
                if (!Files.isRegularFile(attachment)) {
                    throw new MalformedRow("attachment '" + fileName + "' not found beside the metadata");
                }
                attachments = List.of(attachment);
            }
            Map<String, String> metadata = new LinkedHashMap<>();
            if (level != null) {
                metadata.put("level", level);
            }
            if (fileName != null && !fileName.isBlank()) {
                metadata.put("file_name", fileName);
            }
            return new EvalItem(id, question, golds, attachments, level == null ? null : "level " + level, metadata);
        };
    }
}
