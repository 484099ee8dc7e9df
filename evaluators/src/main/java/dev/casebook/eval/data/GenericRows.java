package dev.casebook.eval.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The generic JSONL: {@code {id, question, answers: [..], metadata: {..}}}. {@code answers} is a non-empty list of
 * strings; the group is the metadata's {@code group}, else {@code data_source}, else {@code level}.
 */
final class GenericRows implements RowMapper {
    @Override
    public EvalItem map(long rowNumber, JsonNode row) {
        String id = RowFields.requiredText(row, "id");
        String question = RowFields.requiredText(row, "question");
        JsonNode answers = row.get("answers");
        if (answers == null || !answers.isArray() || answers.isEmpty()) {
            throw new MalformedRow("field 'answers' must be a non-empty list of strings");
        }
        List<String> golds = new ArrayList<>();
        for (JsonNode answer : answers) {
            if (!answer.isValueNode() || answer.isNull() || answer.asText().isBlank()) {
                throw new MalformedRow("field 'answers' must hold non-blank strings");
            }
            golds.add(answer.asText());
        }
        Map<String, String> metadata = RowFields.scalars(row.get("metadata"));
        String group = metadata.getOrDefault("group", metadata.getOrDefault("data_source", metadata.get("level")));
        return new EvalItem(id, question, golds, List.of(), group, metadata);
    }
}
