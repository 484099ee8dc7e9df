package dev.casebook.eval.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DeepResearcher/verl rows: the question is the last user message of {@code prompt}, the gold answers are
 * {@code reward_model.ground_truth} split on {@code <|answer_split|>}, the id is {@code extra_info.index} (else the
 * row number), the group is {@code data_source}.
 */
final class VerlRows implements RowMapper {
    @Override
    public EvalItem map(long rowNumber, JsonNode row) {
        String source = RowFields.requiredText(row, "data_source");
        JsonNode prompt = row.get("prompt");
        if (prompt == null || !prompt.isArray() || prompt.isEmpty()) {
            throw new MalformedRow("field 'prompt' must be a non-empty list of messages");
        }
        String question = null;
        for (JsonNode message : prompt) {
            if ("user".equals(RowFields.optionalText(message, "role"))) {
                question = RowFields.optionalText(message, "content");
            }
        }
        if (question == null || question.isBlank()) {
            throw new MalformedRow("field 'prompt' has no user message with content");
        }
        JsonNode reward = RowFields.requiredObject(row, "reward_model");
        List<String> golds = RowFields.splitGold(RowFields.requiredText(reward, "ground_truth"), "reward_model.ground_truth");
        JsonNode extra = row.get("extra_info");
        String index = extra == null ? null : RowFields.optionalText(extra, "index");
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("data_source", source);
        String split = extra == null ? null : RowFields.optionalText(extra, "split");
        if (split != null) {
            metadata.put("split", split);
        }
        String id = index == null || index.isBlank() ? String.valueOf(rowNumber) : index;
        return new EvalItem(id, question, golds, List.of(), source, metadata);
    }
}
