package dev.casebook.server.openai;

import dev.casebook.server.agent.Conversation;
import dev.casebook.server.llm.Sampling;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * A {@code POST /v1/chat/completions} body as Casebook reads it. Read: {@code model}, {@code messages}
 * ({@link ChatMessages}), {@code stream}, {@code stream_options.include_usage}, the sampling parameters
 * {@code temperature}, {@code top_p}, {@code presence_penalty}, {@code frequency_penalty} (sent with each planner and
 * executor call), {@code metadata} and the {@code casebook_*} options ({@link CasebookOptions}). Refused with a 400:
 * client-side {@code tools} and {@code functions} (Casebook runs its own), {@code n} other than 1, a
 * {@code response_format} other than text. Every other field ({@code max_tokens}, {@code max_completion_tokens},
 * {@code seed}, {@code stop}, {@code user}, {@code logprobs}, ...) is ignored: the agent's calls need room for plans
 * and tool calls, and a stop sequence or a token cap would cut them.
 */
record ChatRequest(String model, ChatMessages messages, Sampling sampling, boolean stream, boolean includeUsage,
        CasebookOptions options) {

    ChatRequest {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(messages, "messages");
        Objects.requireNonNull(sampling, "sampling");
        Objects.requireNonNull(options, "options");
    }

    static ChatRequest read(JsonNode body, int maxContextChars) {
        if (!body.isObject()) {
            throw OpenAiException.invalid(null, "the body must be a JSON object: a chat completion request");
        }
        if (!body.path("model").isString() || body.path("model").asString().isBlank()) {
            throw OpenAiException.invalid("model", "'model' is required: a model of GET /v1/models, e.g. '"
                    + ModelCatalog.DEFAULT + "'");
        }
        refuseTools(body, "tools");
        refuseTools(body, "functions");
        if (body.has("n") && !body.path("n").isNull() && body.path("n").asInt(0) != 1) {
            throw OpenAiException.unsupported("n", "'n' must be 1: Casebook runs the agent once per request");
        }
        JsonNode format = body.path("response_format");
        if (format.isObject() && !"text".equals(format.path("type").asString("text"))) {
            throw OpenAiException.unsupported("response_format", "'response_format' " + format.path("type")
                    + " is not supported: the agent answers in text");
        }
        Sampling sampling;
        try {
            sampling = new Sampling(number(body, "temperature"), number(body, "top_p"),
                    number(body, "presence_penalty"), number(body, "frequency_penalty"));
        } catch (IllegalArgumentException e) {
            throw OpenAiException.invalid(null, e.getMessage());
        }
        boolean stream = flag(body, "stream");
        boolean usage = body.path("stream_options").isObject() && flag(body.path("stream_options"), "include_usage");
        return new ChatRequest(body.path("model").asString(), ChatMessages.read(body.path("messages"),
                maxContextChars), sampling, stream, usage, CasebookOptions.read(body));
    }

    /** The conversation around the task, as the agent gets it. */
    Conversation conversation() {
        return new Conversation(messages.instructions(), messages.turns(), messages.omitted(), sampling);
    }

    private static void refuseTools(JsonNode body, String field) {
        JsonNode tools = body.path(field);
        if (tools.isArray() && !tools.isEmpty()) {
            throw OpenAiException.unsupported(field, "'" + field + "' are not supported: Casebook runs its own tools "
                    + "(web search, page fetch, documents, code, MCP servers) and takes no client-side tools; send "
                    + "the request without '" + field + "'");
        }
    }

    private static Double number(JsonNode body, String field) {
        JsonNode value = body.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        if (!value.isNumber()) {
            throw OpenAiException.invalid(field, "'" + field + "' must be a number");
        }
        return value.asDouble();
    }

    private static boolean flag(JsonNode body, String field) {
        JsonNode value = body.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw OpenAiException.invalid(field, "'" + field + "' must be true or false");
        }
        return value.asBoolean();
    }
}
