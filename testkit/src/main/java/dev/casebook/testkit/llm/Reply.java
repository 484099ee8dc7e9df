package dev.casebook.testkit.llm;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * What the {@link ScriptedLlmServer} answers to a matched request. Every reply may be delayed with
 * {@link #after(Duration)}, or held until the test opens a {@link Gate} ({@link #heldBy(Gate)}). A completion is sent as the request asks: one JSON body, or streamed as server-sent
 * events when the request says {@code "stream": true}; and in the shape of the server the scripted one imitates
 * ({@link ServerShape}).
 */
public sealed interface Reply {

    /** Delay before the reply is sent. */
    Duration delay();

    /** The same reply, sent after {@code latency}. */
    Reply after(Duration latency);

    /**
     * The same reply, held until the test opens {@code gate} (or the server closes, when the connection is dropped
     * without an answer): a model call that stays in flight exactly as long as the test needs, on any machine.
     */
    default Reply heldBy(Gate gate) {
        return new Held(gate, this);
    }

    /** An assistant message with this text ({@code finish_reason: stop}). */
    static Completion text(String content) {
        return new Completion(content, null, null, List.of(), null, true, Duration.ZERO);
    }

    /** An assistant message that calls tools ({@code finish_reason: tool_calls}). */
    static Completion toolCalls(ToolCall... calls) {
        if (calls.length == 0) {
            throw new IllegalArgumentException("a tool-call reply needs at least one call");
        }
        return new Completion(null, null, null, List.of(calls), null, true, Duration.ZERO);
    }

    /** An assistant message calling one tool with these JSON arguments. */
    static Completion toolCall(String name, String argumentsJson) {
        return toolCalls(new ToolCall(name, argumentsJson, false));
    }

    /** A tool call whose arguments are not valid JSON. */
    static Completion malformedToolCall(String name) {
        return toolCall(name, "{\"expression\": \"2+2\", ");
    }

    /** An HTTP error in OpenAI's error format, e.g. 429 (rate limit), 500, 503. */
    static Reply status(int status, String message) {
        return new Status(status, null, message, Duration.ZERO);
    }

    /** An HTTP error with this body, verbatim: a server's own error shape. */
    static Reply error(int status, String body) {
        return new Status(status, Objects.requireNonNull(body, "body"), null, Duration.ZERO);
    }

    /** The error a server of this shape sends for a prompt longer than its context window. */
    static Reply contextWindowExceeded(ServerShape shape) {
        return error(shape.contextWindowStatus(), shape.contextWindowBody());
    }

    static Reply rateLimited() {
        return status(429, "Rate limit reached (scripted)");
    }

    static Reply serverError() {
        return status(500, "Internal server error (scripted)");
    }

    /** No answer at all until the server closes: the client must time out. */
    static Reply hang() {
        return new Hang(Duration.ZERO);
    }

    /** A reply computed from the request (e.g. echoing part of the prompt). */
    static Reply dynamic(Function<LlmRequest, Reply> function) {
        return new Dynamic(function, Duration.ZERO);
    }

    /**
     * One tool call in an assistant message; {@code argumentsJson} is sent verbatim (it may be malformed), as a JSON
     * string as OpenAI does, or as a JSON object when {@code asObject}.
     */
    record ToolCall(String name, String argumentsJson, boolean asObject) {
        public ToolCall {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(argumentsJson, "argumentsJson");
        }

        public ToolCall(String name, String argumentsJson) {
            this(name, argumentsJson, false);
        }

        /** A call whose arguments are sent as a JSON object rather than a string. */
        public static ToolCall withObjectArguments(String name, String argumentsJson) {
            return new ToolCall(name, argumentsJson, true);
        }
    }

    /**
     * An assistant message: text, reasoning and tool calls.
     *
     * @param content        the text; null when the message only calls tools
     * @param reasoning      the model's reasoning, sent where the imitated server sends it (a field, or
     *                       {@code <think>…</think>} before the text); null for none
     * @param reasoningField the field to send reasoning in, overriding the server's; null for the server's
     * @param finishReason   {@code stop}, {@code tool_calls}, {@code length}; null for the one that fits
     * @param usage          whether the reply reports token usage
     */
    record Completion(String content, String reasoning, String reasoningField, List<ToolCall> calls,
            String finishReason, boolean usage, Duration delay) implements Reply {
        public Completion {
            calls = List.copyOf(calls);
            if (content == null && calls.isEmpty()) {
                throw new IllegalArgumentException("a completion needs content or tool calls");
            }
            Objects.requireNonNull(delay, "delay");
        }

        public Completion after(Duration latency) {
            return new Completion(content, reasoning, reasoningField, calls, finishReason, usage, latency);
        }

        /** The same message with the model's reasoning, sent where the imitated server sends it. */
        public Completion withReasoning(String text) {
            return new Completion(content, text, reasoningField, calls, finishReason, usage, delay);
        }

        /** The same message with reasoning in this field ({@code reasoning_content} or {@code reasoning}). */
        public Completion withReasoningIn(String field, String text) {
            return new Completion(content, text, field, calls, finishReason, usage, delay);
        }

        /** The same message with this text beside its tool calls. */
        public Completion withContent(String text) {
            return new Completion(text, reasoning, reasoningField, calls, finishReason, usage, delay);
        }

        /** The same message cut at the token limit ({@code finish_reason: length}). */
        public Completion truncated() {
            return new Completion(content, reasoning, reasoningField, calls, "length", usage, delay);
        }

        /** The same message without {@code usage}, as some servers send it. */
        public Completion withoutUsage() {
            return new Completion(content, reasoning, reasoningField, calls, finishReason, false, delay);
        }

        String effectiveFinishReason() {
            return finishReason != null ? finishReason : calls.isEmpty() ? "stop" : "tool_calls";
        }
    }

    /**
     * An HTTP error: {@code body} verbatim when given, else OpenAI's error object with {@code message}.
     */
    record Status(int status, String body, String message, Duration delay) implements Reply {
        public Status {
            if (status < 400 || status > 599) {
                throw new IllegalArgumentException("status must be an HTTP error (4xx/5xx), was " + status);
            }
            if (body == null && message == null) {
                throw new IllegalArgumentException("an error needs a body or a message");
            }
            Objects.requireNonNull(delay, "delay");
        }

        public Reply after(Duration latency) {
            return new Status(status, body, message, latency);
        }
    }

    record Hang(Duration delay) implements Reply {
        public Reply after(Duration latency) {
            return new Hang(latency);
        }
    }

    /** A reply sent once {@code gate} opens ({@link #heldBy(Gate)}). */
    record Held(Gate gate, Reply reply) implements Reply {
        public Held {
            Objects.requireNonNull(gate, "gate");
            Objects.requireNonNull(reply, "reply");
        }

        public Duration delay() {
            return Duration.ZERO;
        }

        public Reply after(Duration latency) {
            return new Held(gate, reply.after(latency));
        }
    }

    record Dynamic(Function<LlmRequest, Reply> function, Duration delay) implements Reply {
        public Dynamic {
            Objects.requireNonNull(function, "function");
            Objects.requireNonNull(delay, "delay");
        }

        public Reply after(Duration latency) {
            return new Dynamic(function, latency);
        }
    }
}
