package dev.casebook.server.agent;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;

/**
 * The messages of one step's LLM calls, and how to make them smaller when they do not fit the model's context window
 * ({@link Run#chat(dev.casebook.server.llm.LlmClient, Prompt)}). {@code messages} is the step's conversation: the run
 * replaces its content when it shrinks it, and the step appends to it.
 *
 * @param schema     the JSON object the step asks for; null for free text
 * @param reductions ways to make the prompt smaller, in the order they are tried: each gives a smaller list of
 *                   messages, or null when it has nothing more to take away
 */
record Prompt(String interaction, List<ChatMessage> messages, List<ToolSpecification> tools, JsonSchema schema,
        List<Reduction> reductions) {
    /** Shortened older tool results keep this many characters. */
    static final int SHORT_RESULT = 300;
    static final String DROPPED = "[dropped to fit the context window]";

    Prompt {
        Objects.requireNonNull(interaction, "interaction");
        Objects.requireNonNull(messages, "messages");
        tools = List.copyOf(tools);
        reductions = List.copyOf(reductions);
    }

    /** One way to make a prompt smaller, named for the trace. */
    record Reduction(String how, UnaryOperator<List<ChatMessage>> apply) {
    }

    /**
     * Tool results older than the last one, cut to {@value #SHORT_RESULT} characters with a note; null when none is
     * longer.
     */
    static Reduction olderToolResultsShortened() {
        return new Reduction("older tool results shortened", messages -> olderToolResults(messages, text ->
                text.length() <= SHORT_RESULT + 120 ? null
                        : text.substring(0, SHORT_RESULT) + "\n[shortened to fit the context window: the result had "
                        + text.length() + " characters]"));
    }

    /** Tool results older than the last one, replaced by a note; null when all are dropped already. */
    static Reduction olderToolResultsDropped() {
        return new Reduction("older tool results dropped", messages -> olderToolResults(messages, text ->
                text.length() <= DROPPED.length() ? null : DROPPED));
    }

    /**
     * The user message at {@code index} written again, shorter each time: {@code render} gets the number of times it
     * was asked (1, 2, ...) and returns the text, or null when it has no shorter one; a text no shorter than the
     * message's is passed over.
     */
    static Reduction rewritten(String how, int index, IntFunction<String> render) {
        int[] times = {0};
        return new Reduction(how, messages -> {
            if (index >= messages.size() || !(messages.get(index) instanceof UserMessage current)) {
                return null;
            }
            int length = current.singleText().length();
            String text;
            do {
                text = render.apply(++times[0]);
            } while (text != null && text.length() >= length);
            if (text == null) {
                return null;
            }
            List<ChatMessage> out = new ArrayList<>(messages);
            out.set(index, UserMessage.from(text));
            return out;
        });
    }

    private static List<ChatMessage> olderToolResults(List<ChatMessage> messages, UnaryOperator<String> change) {
        int last = -1;
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i) instanceof ToolExecutionResultMessage) {
                last = i;
            }
        }
        List<ChatMessage> out = new ArrayList<>(messages);
        boolean changed = false;
        for (int i = 0; i < last; i++) {
            if (out.get(i) instanceof ToolExecutionResultMessage result) {
                String text = change.apply(result.text());
                if (text != null) {
                    out.set(i, ToolExecutionResultMessage.from(result.id(), result.toolName(), text));
                    changed = true;
                }
            }
        }
        return changed ? out : null;
    }
}
