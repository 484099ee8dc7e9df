package dev.casebook.eval.data;

import com.fasterxml.jackson.databind.JsonNode;

/** Maps one JSON row to an item; throws {@link MalformedRow} with a reason when it cannot. */
@FunctionalInterface
interface RowMapper {
    EvalItem map(long rowNumber, JsonNode row);
}
