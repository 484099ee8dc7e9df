package dev.casebook.server.llm;

import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEvent;
import dev.langchain4j.http.client.sse.ServerSentEventContext;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import java.time.Duration;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The HTTP client LangChain4j reaches the model through (its supported extension point, {@link HttpClientBuilder}),
 * passing every reply on unchanged but for one shape it cannot read: a tool call whose {@code arguments} are a JSON
 * object instead of the JSON text OpenAI sends (some servers and proxies send objects, as Ollama's native API does).
 * Such arguments are written as text, in full replies and in streamed deltas alike.
 */
final class ToolArgumentsAsText implements HttpClientBuilder {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClientBuilder delegate;

    ToolArgumentsAsText(HttpClientBuilder delegate) {
        this.delegate = delegate;
    }

    @Override
    public Duration connectTimeout() {
        return delegate.connectTimeout();
    }

    @Override
    public HttpClientBuilder connectTimeout(Duration timeout) {
        delegate.connectTimeout(timeout);
        return this;
    }

    @Override
    public Duration readTimeout() {
        return delegate.readTimeout();
    }

    @Override
    public HttpClientBuilder readTimeout(Duration timeout) {
        delegate.readTimeout(timeout);
        return this;
    }

    @Override
    public HttpClient build() {
        HttpClient client = delegate.build();
        return new HttpClient() {
            @Override
            public SuccessfulHttpResponse execute(HttpRequest request) {
                SuccessfulHttpResponse response = client.execute(request);
                String body = rewritten(response.body());
                return body == null ? response : SuccessfulHttpResponse.builder().statusCode(response.statusCode())
                        .headers(response.headers()).body(body).build();
            }

            @Override
            public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
                client.execute(request, parser, new ServerSentEventListener() {
                    @Override
                    public void onOpen(SuccessfulHttpResponse response) {
                        listener.onOpen(response);
                    }

                    @Override
                    public void onEvent(ServerSentEvent event, ServerSentEventContext context) {
                        String data = rewritten(event.data());
                        listener.onEvent(data == null ? event : new ServerSentEvent(event.event(), data), context);
                    }

                    @Override
                    public void onEvent(ServerSentEvent event) {
                        String data = rewritten(event.data());
                        listener.onEvent(data == null ? event : new ServerSentEvent(event.event(), data));
                    }

                    @Override
                    public void onError(Throwable error) {
                        listener.onError(error);
                    }

                    @Override
                    public void onClose() {
                        listener.onClose();
                    }
                });
            }
        };
    }

    /** The body with object arguments written as text; null when there was nothing to change. */
    static String rewritten(String body) {
        if (body == null || !body.contains("\"tool_calls\"")) {
            return null;
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JacksonException e) {
            return null;
        }
        boolean changed = false;
        for (JsonNode choice : root.path("choices")) {
            for (String part : new String[] {"message", "delta"}) {
                for (JsonNode call : choice.path(part).path("tool_calls")) {
                    JsonNode function = call.path("function");
                    JsonNode arguments = function.path("arguments");
                    if (function instanceof ObjectNode f && (arguments.isObject() || arguments.isArray())) {
                        f.put("arguments", JSON.writeValueAsString(arguments));
                        changed = true;
                    }
                }
            }
        }
        return changed ? JSON.writeValueAsString(root) : null;
    }
}
