package dev.casebook.server.llm;

import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.http.client.jdk.JdkHttpClientBuilder;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.output.TokenUsage;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One role's model (planner, executor or judge) behind LangChain4j, with the retry policy of Casebook: a 429, a 5xx,
 * a time-out or a broken connection is retried with exponential backoff; anything else the server refuses is not.
 * Each attempt runs on its own virtual thread so that the task's deadline and cancellation (interrupt) are honoured
 * even while an HTTP call hangs. Thread-safe.
 */
public final class LlmClient {
    private final String role;
    private final String endpoint;
    private final Function<String, ChatModel> modelFor;
    private final RetryPolicy retry;
    private final Map<String, ChatModel> models = new ConcurrentHashMap<>();

    /**
     * @param role     the role's name, for messages
     * @param endpoint where the model is (base URL and model name), for messages
     * @param modelFor the chat model to use for an interaction name
     */
    public LlmClient(String role, String endpoint, Function<String, ChatModel> modelFor, RetryPolicy retry) {
        this.role = role;
        this.endpoint = endpoint;
        this.modelFor = modelFor;
        this.retry = retry;
    }

    /** A client of an OpenAI-compatible server (OpenAI, vLLM, llama.cpp, LM Studio, Ollama's {@code /v1}). */
    public static LlmClient of(String role, ModelSettings.Role settings) {
        if (!settings.configured()) {
            throw new IllegalArgumentException("casebook.models." + role + " needs base-url and model");
        }
        String baseUrl = settings.effectiveBaseUrl();
        String apiKey = settings.apiKey() != null ? settings.apiKey()
                : "ollama".equals(settings.effectiveProvider()) ? "ollama" : "none";
        Duration timeout = settings.effectiveTimeout();
        Function<String, ChatModel> factory = interaction -> OpenAiChatModel.builder()
                .httpClientBuilder(new JdkHttpClientBuilder()
                        .httpClientBuilder(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)))
                .baseUrl(baseUrl)
                .apiKey(apiKey)
                .modelName(settings.model())
                .timeout(timeout)
                .maxRetries(0)
                .customHeaders(Map.of("X-Casebook-Interaction", interaction))
                .build();
        return new LlmClient(role, settings.model() + " at " + baseUrl, factory, settings.retryPolicy());
    }

    public String role() {
        return role;
    }

    public String endpoint() {
        return endpoint;
    }

    /**
     * Sends the call, retrying as described on the class.
     *
     * @throws LlmException         when no reply came: retries spent, request refused, or deadline reached
     * @throws InterruptedException when the calling thread was interrupted (the task was cancelled)
     */
    public LlmReply chat(LlmCall call) throws InterruptedException {
        ChatModel model = models.computeIfAbsent(call.interaction(), modelFor);
        ChatRequest request = ChatRequest.builder()
                .messages(call.messages())
                .toolSpecifications(call.tools().isEmpty() ? null : call.tools())
                .build();
        long started = System.nanoTime();
        RuntimeException last = null;
        for (int attempt = 1; attempt <= retry.maxRetries() + 1; attempt++) {
            if (attempt > 1) {
                sleepUntilRetry(call, attempt, last);
            }
            try {
                ChatResponse response = attempt(model, request, call, attempt);
                TokenUsage usage = response.metadata() == null ? null : response.metadata().tokenUsage();
                return new LlmReply(response.aiMessage(), count(usage == null ? null : usage.inputTokenCount()),
                        count(usage == null ? null : usage.outputTokenCount()), attempt,
                        (System.nanoTime() - started) / 1_000_000);
            } catch (LlmException e) {
                throw e;
            } catch (RuntimeException e) {
                if (!retryable(e)) {
                    throw new LlmException(LlmException.Kind.REJECTED, "the " + role + " LLM (" + endpoint
                            + ") refused the '" + call.interaction() + "' request: " + describe(e), attempt, e);
                }
                last = e;
            }
        }
        int attempts = retry.maxRetries() + 1;
        throw new LlmException(LlmException.Kind.UNAVAILABLE, "the " + role + " LLM (" + endpoint
                + ") gave no reply to '" + call.interaction() + "' after " + attempts + " attempt"
                + (attempts == 1 ? "" : "s") + "; last error: " + describe(last), attempts, last);
    }

    private ChatResponse attempt(ChatModel model, ChatRequest request, LlmCall call, int attempt)
            throws InterruptedException {
        long remaining = Duration.between(Instant.now(), call.deadline()).toMillis();
        if (remaining <= 0) {
            throw deadline(call, attempt, null);
        }
        FutureTask<ChatResponse> task = new FutureTask<>(() -> model.chat(request));
        Thread.ofVirtual().name("llm-" + role + "-" + call.interaction()).start(task);
        try {
            return task.get(remaining, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            task.cancel(true);
            throw deadline(call, attempt, e);
        } catch (InterruptedException e) {
            task.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re
                    : new IllegalStateException("LLM call failed: " + e.getCause(), e.getCause());
        }
    }

    private void sleepUntilRetry(LlmCall call, int attempt, RuntimeException last) throws InterruptedException {
        Duration wait = retry.backoff(attempt - 1);
        Duration left = Duration.between(Instant.now(), call.deadline());
        if (left.compareTo(wait) <= 0) {
            throw deadline(call, attempt - 1, last);
        }
        Thread.sleep(wait);
    }

    private LlmException deadline(LlmCall call, int attempts, Throwable cause) {
        return new LlmException(LlmException.Kind.DEADLINE, "the task's wall-time budget ran out while waiting for the "
                + role + " LLM (" + endpoint + ") to answer '" + call.interaction() + "'", attempts, cause);
    }

    /** 429, 5xx, time-outs and I/O failures (refused or broken connections) may pass when tried again. */
    static boolean retryable(Throwable e) {
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

    private static String describe(Throwable e) {
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

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }

    private static long count(Integer value) {
        return value == null ? 0 : value;
    }
}
