package dev.casebook.server.llm;

import dev.langchain4j.data.message.AiMessage;
import java.util.Objects;

/**
 * The model's reply as the steps read it, with what it cost.
 *
 * @param message         the assistant message as the conversation keeps it: the visible text (reasoning split off,
 *                        {@link dev.casebook.llm.ReplyText}) and the tool calls, native or read from the text
 *                        ({@link dev.casebook.llm.TextToolCalls}); never the reasoning
 * @param reasoning       the model's reasoning; empty when it gave none, or when the role does not keep it
 *                        ({@code keep-reasoning: false})
 * @param usage           the tokens of the call
 * @param toolCallDialect where the tool calls came from: {@code native} ({@code tool_calls}), a dialect of
 *                        {@link dev.casebook.llm.TextToolCalls}, or empty for none
 * @param attempts        HTTP calls made for this reply
 * @param millis          time the reply took, retries included
 */
public record LlmReply(AiMessage message, String reasoning, Usage usage, String toolCallDialect, int attempts,
        long millis) {
    public LlmReply {
        Objects.requireNonNull(message, "message");
        reasoning = reasoning == null ? "" : reasoning;
        Objects.requireNonNull(usage, "usage");
        toolCallDialect = toolCallDialect == null ? "" : toolCallDialect;
    }

    /**
     * Tokens of a call. When the endpoint sent no {@code usage}, they are estimated from the characters sent and
     * received (about four a token) and marked {@code estimated}.
     *
     * @param reasoning the part of {@code output} spent reasoning: the server's count when it gives one
     *                  ({@code completion_tokens_details.reasoning_tokens}), else an estimate from the reasoning text
     */
    public record Usage(long input, long output, long reasoning, boolean estimated) {
        public static final Usage NONE = new Usage(0, 0, 0, false);

        public Usage {
            if (input < 0 || output < 0 || reasoning < 0) {
                throw new IllegalArgumentException("token counts must not be negative");
            }
        }

        public long total() {
            return input + output;
        }

        /** The sum of two calls' usage: estimated when either was. */
        public Usage plus(Usage other) {
            return new Usage(input + other.input, output + other.output, reasoning + other.reasoning,
                    estimated || other.estimated);
        }

        /** About four characters a token, at least one token for a non-empty text. */
        public static long estimate(long chars) {
            return chars <= 0 ? 0 : Math.max(1, (chars + 3) / 4);
        }
    }

    public long inputTokens() {
        return usage.input();
    }

    public long outputTokens() {
        return usage.output();
    }

    public long tokens() {
        return usage.total();
    }

    public boolean tokensEstimated() {
        return usage.estimated();
    }

    /** The visible text of the reply; empty when the model only called tools or only reasoned. */
    public String text() {
        return message.text() == null ? "" : message.text();
    }

    public boolean hasToolCalls() {
        return message.hasToolExecutionRequests();
    }
}
