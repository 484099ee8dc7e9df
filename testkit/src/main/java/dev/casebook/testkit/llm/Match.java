package dev.casebook.testkit.llm;

import java.util.function.Predicate;

/** Ready-made request predicates for {@link ScriptedLlmServer#when(Predicate)}; combine them with {@code and/or}. */
public final class Match {
    private Match() {
    }

    public static Predicate<LlmRequest> any() {
        return request -> true;
    }

    /** The interaction name ({@link LlmRequest#interaction()}) equals {@code name}. */
    public static Predicate<LlmRequest> interaction(String name) {
        return request -> name.equals(request.interaction());
    }

    /**
     * Requests about the task whose text starts with a line containing {@code marker}: the first line of the first
     * user message. Later messages, and later lines, which may show the task as another task's past case, do not
     * count.
     */
    public static Predicate<LlmRequest> task(String marker) {
        return request -> request.firstUserMessage().lines().findFirst().orElse("").contains(marker);
    }

    public static Predicate<LlmRequest> lastUserMessageContains(String text) {
        return request -> request.lastUserMessage().contains(text);
    }

    public static Predicate<LlmRequest> systemPromptContains(String text) {
        return request -> request.systemPrompt().contains(text);
    }

    /** Any message of the request contains {@code text}. */
    public static Predicate<LlmRequest> anyMessageContains(String text) {
        return request -> request.allText().contains(text);
    }

    /** The request offers tools to the model. */
    public static Predicate<LlmRequest> hasTools() {
        return LlmRequest::hasTools;
    }

    /** The request offers a tool of this name. */
    public static Predicate<LlmRequest> offersTool(String name) {
        return request -> request.toolNames().contains(name);
    }

    /** The last message is a tool result (the model is being asked to continue after a tool call). */
    public static Predicate<LlmRequest> afterToolResult() {
        return request -> "tool".equals(request.lastRole());
    }

    public static Predicate<LlmRequest> model(String model) {
        return request -> model.equals(request.model());
    }
}
