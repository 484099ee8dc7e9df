package dev.casebook.eval.score;

import dev.casebook.llm.ReplyText;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Asks a judge model and parses its reply's text ({@link ReplyText}: reasoning split off), asking again (up to
 * {@code maxAttempts} times in all) while the reply cannot be parsed or was cut at the token limit. Model failures are not retried here (the client has its own retries); they surface as
 * {@link JudgeUnavailableException}.
 */
final class JudgeCall<T> {
    /** The parsed reply (empty when none parsed), the calls made, the last reply, the tokens of all calls. */
    record Outcome<T>(Optional<T> parsed, int attempts, String lastReply, long tokens) {
    }

    private final ChatModel model;
    private final String interaction;
    private final int maxAttempts;

    JudgeCall(ChatModel model, String interaction, int maxAttempts) {
        this.model = Objects.requireNonNull(model, "model");
        this.interaction = interaction;
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
        this.maxAttempts = maxAttempts;
    }

    Outcome<T> ask(String systemPrompt, String userPrompt, Function<String, Optional<T>> parser) {
        String reply = "";
        long tokens = 0;
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            ChatResponse response;
            try {
                response = model.chat(SystemMessage.from(systemPrompt), UserMessage.from(userPrompt));
            } catch (RuntimeException e) {
                throw new JudgeUnavailableException(interaction, e);
            }
            if (response.tokenUsage() != null && response.tokenUsage().totalTokenCount() != null) {
                tokens += response.tokenUsage().totalTokenCount();
            }
            // the reply's text without its reasoning (think blocks, reasoning fields): the verdict is never read there
            reply = ReplyText.of(response.aiMessage()).text();
            if (response.finishReason() == FinishReason.LENGTH) {
                continue; // cut at the token limit: not a complete verdict, ask again
            }
            Optional<T> parsed = parser.apply(reply);
            if (parsed.isPresent()) {
                return new Outcome<>(parsed, attempt, reply, tokens);
            }
        }
        return new Outcome<>(Optional.empty(), maxAttempts, reply, tokens);
    }
}
