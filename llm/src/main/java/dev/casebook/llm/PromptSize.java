package dev.casebook.llm;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import java.util.List;

/**
 * The size of a prompt in tokens, estimated at four characters a token (plus a few per message for the chat
 * template): what sizes prompts to a context window before a call, and stands in for {@code usage} when an endpoint
 * sends none. Estimates, not a tokenizer's count.
 */
public final class PromptSize {
    private static final int PER_MESSAGE = 4;

    private PromptSize() {
    }

    public static long tokens(List<ChatMessage> messages, List<ToolSpecification> tools) {
        long chars = 0;
        for (ChatMessage message : messages) {
            chars += chars(message) + PER_MESSAGE * 4L;
        }
        for (ToolSpecification tool : tools == null ? List.<ToolSpecification>of() : tools) {
            chars += String.valueOf(tool.name()).length() + String.valueOf(tool.description()).length()
                    + String.valueOf(tool.parameters()).length();
        }
        return tokens(chars);
    }

    /** Tokens of a text of this many characters: a quarter, at least one for a non-empty text. */
    public static long tokens(long chars) {
        return chars <= 0 ? 0 : Math.max(1, (chars + 3) / 4);
    }

    public static long chars(ChatMessage message) {
        return switch (message) {
            case SystemMessage s -> s.text().length();
            case UserMessage u -> u.contents().stream()
                    .mapToLong(c -> c instanceof TextContent t ? t.text().length() : 1_000).sum();
            case AiMessage a -> (a.text() == null ? 0 : a.text().length()) + a.toolExecutionRequests().stream()
                    .mapToLong(PromptSize::chars).sum();
            case ToolExecutionResultMessage r -> r.text() == null ? 0 : r.text().length();
            default -> String.valueOf(message).length();
        };
    }

    private static long chars(ToolExecutionRequest request) {
        return String.valueOf(request.name()).length() + String.valueOf(request.arguments()).length();
    }
}
