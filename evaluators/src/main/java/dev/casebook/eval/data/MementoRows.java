package dev.casebook.eval.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/** Memento's {@code {question, ground_truth, data_source}}: the id is the row number, golds split on {@code <|answer_split|>}. */
final class MementoRows implements RowMapper {
    @Override
    public EvalItem map(long rowNumber, JsonNode row) {
        String question = RowFields.requiredText(row, "question");
        List<String> golds = RowFields.splitGold(RowFields.requiredText(row, "ground_truth"), "ground_truth");
        String source = RowFields.optionalText(row, "data_source");
        Map<String, String> metadata = source == null ? Map.of() : Map.of("data_source", source);
        return new EvalItem(String.valueOf(rowNumber), question, golds, List.of(), source, metadata);
    }
}
