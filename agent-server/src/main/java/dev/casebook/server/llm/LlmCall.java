package dev.casebook.server.llm;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.ChatMessage;
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
 */
public record LlmCall(String interaction, List<ChatMessage> messages, List<ToolSpecification> tools,
        Instant deadline) {
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
    }
}
