package dev.casebook.server.llm;

import dev.langchain4j.data.message.AiMessage;
import java.util.Objects;

/** The model's message with the tokens it cost and how many attempts it took. */
public record LlmReply(AiMessage message, long inputTokens, long outputTokens, int attempts, long millis) {
    public LlmReply {
        Objects.requireNonNull(message, "message");
    }

    public long tokens() {
        return inputTokens + outputTokens;
    }

    /** The text of the reply; empty when the model only called tools. */
    public String text() {
        return message.text() == null ? "" : message.text();
    }
}
