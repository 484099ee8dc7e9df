package dev.casebook.server.llm;

import java.util.Locale;

/**
 * How a role's model is asked for JSON replies ({@code casebook.models.<role>.structured-output}).
 *
 * <p>{@code auto} (default): {@code response_format} of type {@code json_schema} with the interaction's schema, else
 * {@code json_object}, else none, falling back when the endpoint refuses one (HTTP 4xx naming it, as LM Studio does
 * for {@code json_object} and the DeepSeek API for {@code json_schema}); a refusal, or the start-up probe's, is
 * remembered for the endpoint and model, so it costs one failed call at most. {@code json-schema},
 * {@code json-object}: always that type; {@code none}: never {@code response_format}. The reply is read leniently in
 * every case ({@link dev.casebook.llm.ReplyJson}) and the step's correction round stays the last line.
 */
enum StructuredOutput {
    AUTO, JSON_SCHEMA, JSON_OBJECT, NONE;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
