package dev.casebook.server.llm;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One request to a role's model.
 *
 * @param interaction the name of the step asking ({@code plan}, {@code execute}, {@code replan}, {@code answer},
 *                    {@code judge}); sent as the header {@code X-Casebook-Interaction}
 * @param messages    the conversation
 * @param tools       tools offered to the model; empty for none
 * @param deadline    the call, retries included, gives up at this instant
 * @param schema      the JSON object the interaction asks for, sent as {@code response_format} as the role's
 *                    {@link StructuredOutput} says; null when the reply is free text
 * @param sampling    sampling parameters to send ({@link Sampling#DEFAULT} leaves them to the endpoint)
 */
public record LlmCall(String interaction, List<ChatMessage> messages, List<ToolSpecification> tools,
        Instant deadline, JsonSchema schema, Sampling sampling) {
    public LlmCall {
        if (interaction == null || interaction.isBlank()) {
            throw new IllegalArgumentException("interaction must be named");
        }
        messages = List.copyOf(messages);
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("an LLM call needs at least one message");
        }
        tools = List.copyOf(Objects.requireNonNullElse(tools, List.of()));
        Objects.requireNonNull(deadline, "deadline");
        sampling = Objects.requireNonNullElse(sampling, Sampling.DEFAULT);
    }

    /** A call whose reply is free text (or tool calls), with the endpoint's own sampling parameters. */
    public LlmCall(String interaction, List<ChatMessage> messages, List<ToolSpecification> tools, Instant deadline) {
        this(interaction, messages, tools, deadline, null, Sampling.DEFAULT);
    }

    /** A call asking for a JSON object of this schema, without tools. */
    public static LlmCall json(String interaction, List<ChatMessage> messages, Instant deadline, JsonSchema schema) {
        return new LlmCall(interaction, messages, List.of(), deadline, Objects.requireNonNull(schema, "schema"),
                Sampling.DEFAULT);
    }

    /** The same call with other messages (a prompt made smaller to fit the context window). */
    public LlmCall withMessages(List<ChatMessage> other) {
        return new LlmCall(interaction, other, tools, deadline, schema, sampling);
    }
}
