package dev.casebook.eval.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One question of a dataset. {@code golds} are the acceptable answers (empty when the dataset hides them, as GAIA's
 * test split does); {@code group} is what reports aggregate by (GAIA level, data source, topic).
 */
public record EvalItem(String id, String question, List<String> golds, List<Path> attachments, String group,
                       Map<String, String> metadata) {
    public EvalItem {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("id must not be blank");
        }
        if (question == null || question.isBlank()) {
            throw new IllegalArgumentException("question must not be blank");
        }
        golds = List.copyOf(Objects.requireNonNull(golds, "golds"));
        attachments = List.copyOf(Objects.requireNonNull(attachments, "attachments"));
        group = group == null || group.isBlank() ? "all" : group;
        metadata = Map.copyOf(Objects.requireNonNull(metadata, "metadata"));
    }

    public boolean hasGold() {
        return !golds.isEmpty();
    }
}
