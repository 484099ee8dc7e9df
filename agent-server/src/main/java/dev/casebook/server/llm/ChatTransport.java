package dev.casebook.server.llm;

import dev.langchain4j.http.client.jdk.JdkHttpClientBuilder;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Sends one chat request through LangChain4j's OpenAI client and waits for the whole reply, at most a given time:
 * non-streaming, or streamed ({@code stream: true}, with {@code stream_options.include_usage} so that the last chunk
 * carries the usage) and gathered into one response. Reasoning fields ({@code reasoning_content}, {@code reasoning})
 * are kept ({@code returnThinking}); replies pass {@link ToolArgumentsAsText}. One LangChain4j model per interaction,
 * which it names in the header {@code X-Casebook-Interaction}.
 */
final class ChatTransport {
    /** The time given ran out before the reply came. */
    static final class TimedOut extends RuntimeException {
        TimedOut(Throwable cause) {
            super("no reply within the time left", cause);
        }
    }

    private final String role;
    private final Function<String, ChatModel> models;
    private final Function<String, StreamingChatModel> streamingModels;
    private final Map<String, Object> byInteraction = new ConcurrentHashMap<>();

    private ChatTransport(String role, Function<String, ChatModel> models,
            Function<String, StreamingChatModel> streamingModels) {
        this.role = role;
        this.models = models;
        this.streamingModels = streamingModels;
    }

    static ChatTransport openAi(String role, ModelSettings.Role settings) {
        String baseUrl = settings.effectiveBaseUrl();
        String apiKey = settings.apiKey() != null ? settings.apiKey()
                : "ollama".equals(settings.effectiveProvider()) ? "ollama" : "none";
        Duration timeout = settings.effectiveTimeout();
        if (settings.effectiveStream()) {
            return new ChatTransport(role, null, interaction -> OpenAiStreamingChatModel.builder()
                    .httpClientBuilder(httpClient()).baseUrl(baseUrl).apiKey(apiKey).modelName(settings.model())
                    .timeout(timeout).returnThinking(true)
                    .customHeaders(Map.of("X-Casebook-Interaction", interaction)).build());
        }
        return new ChatTransport(role, interaction -> OpenAiChatModel.builder()
                .httpClientBuilder(httpClient()).baseUrl(baseUrl).apiKey(apiKey).modelName(settings.model())
                .timeout(timeout).maxRetries(0).returnThinking(true)
                .customHeaders(Map.of("X-Casebook-Interaction", interaction)).build(), null);
    }

    private static ToolArgumentsAsText httpClient() {
        return new ToolArgumentsAsText(new JdkHttpClientBuilder()
                .httpClientBuilder(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)));
    }

    /**
     * @throws TimedOut             when {@code within} passed first
     * @throws InterruptedException when the calling thread was interrupted
     * @throws RuntimeException     what the client threw (an HTTP error, a refused connection, ...)
     */
    ChatResponse send(String interaction, ChatRequest request, Duration within) throws InterruptedException {
        return streamingModels == null ? call(interaction, request, within) : stream(interaction, request, within);
    }

    private ChatResponse call(String interaction, ChatRequest request, Duration within) throws InterruptedException {
        ChatModel model = (ChatModel) byInteraction.computeIfAbsent(interaction, models::apply);
        FutureTask<ChatResponse> task = new FutureTask<>(() -> model.chat(request));
        Thread.ofVirtual().name("llm-" + role + "-" + interaction).start(task);
        try {
            return task.get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            task.cancel(true);
            throw new TimedOut(e);
        } catch (InterruptedException e) {
            task.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            throw unwrap(e);
        }
    }

    private ChatResponse stream(String interaction, ChatRequest request, Duration within) throws InterruptedException {
        StreamingChatModel model = (StreamingChatModel) byInteraction.computeIfAbsent(interaction,
                streamingModels::apply);
        CompletableFuture<ChatResponse> reply = new CompletableFuture<>();
        model.chat(request, new StreamingChatResponseHandler() {
            @Override
            public void onCompleteResponse(ChatResponse response) {
                reply.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                reply.completeExceptionally(error);
            }
        });
        try {
            return reply.get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            reply.cancel(true);
            throw new TimedOut(e);
        } catch (InterruptedException e) {
            reply.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            throw unwrap(e);
        }
    }

    private static RuntimeException unwrap(ExecutionException e) {
        return e.getCause() instanceof RuntimeException re ? re
                : new IllegalStateException("LLM call failed: " + e.getCause(), e.getCause());
    }
}
