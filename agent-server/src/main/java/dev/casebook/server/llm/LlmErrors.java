package dev.casebook.server.llm;

import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.TimeoutException;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/** What an exception of an LLM call says: whether a retry can help, whether it names a context window or a refusal. */
final class LlmErrors {
    /**
     * How servers say a prompt does not fit: OpenAI and DeepSeek ({@code context_length_exceeded}, "This model's
     * maximum context length is …"), vLLM (the same sentence), llama.cpp ("the request exceeds the available context
     * size", type {@code exceed_context_size_error}, sometimes a 500 "Context size has been exceeded."), Ollama ("the
     * input length exceeds the context length"), LM Studio ("… greater than the context length").
     */
    private static final List<String> CONTEXT_WINDOW = List.of("context_length_exceeded", "maximum context length",
            "exceeds the available context size", "exceed_context_size_error", "context size has been exceeded",
            "exceeds the context length", "greater than the context length", "context window");
    private static final List<String> RESPONSE_FORMAT = List.of("response_format", "json_schema", "json_object",
            "response format", "structured output");
    private static final List<String> TOOLS = List.of("does not support tools", "tools param requires",
            "tool calling is not supported", "\"tools\" is not supported", "tool_choice");

    private LlmErrors() {
    }

    /** 429, 5xx, time-outs and I/O failures (refused or broken connections) may pass when tried again. */
    static boolean retryable(Throwable e) {
        if (contextWindow(e)) {
            return false;
        }
        if (e instanceof RateLimitException || e instanceof InternalServerException || e instanceof TimeoutException) {
            return true;
        }
        if (e instanceof AuthenticationException || e instanceof InvalidRequestException
                || e instanceof ModelNotFoundException) {
            return false;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof HttpException http) {
                return http.statusCode() == 429 || http.statusCode() >= 500;
            }
            if (t instanceof IOException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    static boolean contextWindow(Throwable e) {
        return mentions(e, CONTEXT_WINDOW);
    }

    static boolean refusesResponseFormat(Throwable e) {
        return status(e) / 100 == 4 && mentions(e, RESPONSE_FORMAT);
    }

    static boolean refusesTools(Throwable e) {
        return status(e) / 100 == 4 && mentions(e, TOOLS);
    }

    /** "HTTP 400 {body}" or the root cause, abbreviated. */
    static String describe(Throwable e) {
        if (e == null) {
            return "none";
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof HttpException http) {
                return "HTTP " + http.statusCode() + " " + abbreviate(http.getMessage());
            }
            if (t.getCause() == null || t.getCause() == t) {
                return t.getClass().getSimpleName() + ": " + abbreviate(String.valueOf(t.getMessage()));
            }
        }
        return e.toString();
    }

    /** The HTTP status the exception carries; 0 when none. */
    static int status(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof HttpException http) {
                return http.statusCode();
            }
            if (t.getCause() == t) {
                break;
            }
        }
        if (e instanceof InvalidRequestException) {
            return 400;
        }
        return 0;
    }

    private static boolean mentions(Throwable e, List<String> phrases) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            for (String phrase : phrases) {
                if (message.contains(phrase)) {
                    return true;
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }
}
