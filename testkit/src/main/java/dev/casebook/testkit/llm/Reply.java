package dev.casebook.testkit.llm;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * What the {@link ScriptedLlmServer} answers to a matched request. Every reply may be delayed with
 * {@link #after(Duration)}.
 */
public sealed interface Reply {

    /** Delay before the reply is sent. */
    Duration delay();

    /** The same reply, sent after {@code latency}. */
    Reply after(Duration latency);

    /** An assistant message with this text ({@code finish_reason: stop}). */
    static Reply text(String content) {
        return new Text(content, Duration.ZERO);
    }

    /** An assistant message that calls tools ({@code finish_reason: tool_calls}). */
    static Reply toolCalls(ToolCall... calls) {
        return new ToolCalls(List.of(calls), Duration.ZERO);
    }

    /** An assistant message calling one tool with these JSON arguments. */
    static Reply toolCall(String name, String argumentsJson) {
        return toolCalls(new ToolCall(name, argumentsJson));
    }

    /** A tool call whose arguments are not valid JSON. */
    static Reply malformedToolCall(String name) {
        return toolCall(name, "{\"expression\": \"2+2\", ");
    }

    /** An HTTP error in OpenAI's error format, e.g. 429 (rate limit), 500, 503. */
    static Reply status(int status, String message) {
        return new Status(status, message, Duration.ZERO);
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

    /** One tool call in an assistant message; {@code argumentsJson} is sent verbatim (it may be malformed). */
    record ToolCall(String name, String argumentsJson) {
        public ToolCall {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(argumentsJson, "argumentsJson");
        }
    }

    record Text(String content, Duration delay) implements Reply {
        public Text {
            Objects.requireNonNull(content, "content");
            Objects.requireNonNull(delay, "delay");
        }

        public Reply after(Duration latency) {
            return new Text(content, latency);
        }
    }

    record ToolCalls(List<ToolCall> calls, Duration delay) implements Reply {
        public ToolCalls {
            calls = List.copyOf(calls);
            if (calls.isEmpty()) {
                throw new IllegalArgumentException("a tool-call reply needs at least one call");
            }
            Objects.requireNonNull(delay, "delay");
        }

        public Reply after(Duration latency) {
            return new ToolCalls(calls, latency);
        }
    }

    record Status(int status, String message, Duration delay) implements Reply {
        public Status {
            if (status < 400 || status > 599) {
                throw new IllegalArgumentException("status must be an HTTP error (4xx/5xx), was " + status);
            }
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(delay, "delay");
        }

        public Reply after(Duration latency) {
            return new Status(status, message, latency);
        }
    }

    record Hang(Duration delay) implements Reply {
        public Reply after(Duration latency) {
            return new Hang(latency);
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
