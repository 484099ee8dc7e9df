package dev.casebook.server.llm;

import dev.casebook.llm.PromptSize;
import dev.casebook.llm.ReplyText;
import dev.casebook.llm.TextToolCalls;
import dev.casebook.server.llm.EndpointCapabilities.Feature;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiTokenUsage;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One role's model (planner, executor, judge or experience model) behind LangChain4j, with the rules of Casebook for
 * what real servers reply:
 * <ul>
 *   <li>a 429, a 5xx, a time-out or a broken connection is retried with exponential backoff; anything else the
 *       server refuses is not;</li>
 *   <li>a call that asks for JSON sends {@code response_format} as the role's {@link StructuredOutput} says; in
 *       {@code auto}, a type the endpoint refuses is remembered ({@link EndpointCapabilities}) and the call is made
 *       again with the next one, at once;</li>
 *   <li>a reply cut at the token limit ({@code finish_reason: length}) is never returned as complete: it is asked
 *       again once with {@code retry-max-tokens} when configured, else the call fails {@link LlmException.Kind#TRUNCATED};</li>
 *   <li>a prompt the endpoint says does not fit its context window fails {@link LlmException.Kind#CONTEXT_WINDOW},
 *       for the step to shrink it;</li>
 *   <li>the reply is read through {@link ReplyText} (reasoning split off) and, when tools were offered and the server
 *       parsed no {@code tool_calls}, {@link TextToolCalls}; its usage is the server's, else estimated.</li>
 * </ul>
 * Each attempt runs on its own virtual thread so that the task's deadline and cancellation (interrupt) are honoured
 * even while an HTTP call hangs. Thread-safe.
 */
public final class LlmClient {
    private static final Logger log = LoggerFactory.getLogger(LlmClient.class);

    private final String role;
    private final ModelSettings.Role settings;
    private final String endpoint;
    private final ChatTransport transport;
    private final EndpointCapabilities capabilities;
    private final LlmMetrics metrics;

    LlmClient(String role, ModelSettings.Role settings, ChatTransport transport,
            EndpointCapabilities capabilities) {
        this(role, settings, transport, capabilities, LlmMetrics.NONE);
    }

    LlmClient(String role, ModelSettings.Role settings, ChatTransport transport,
            EndpointCapabilities capabilities, LlmMetrics metrics) {
        this.metrics = metrics;
        this.role = role;
        this.settings = settings;
        this.endpoint = settings.model() + " at " + settings.effectiveBaseUrl();
        this.transport = transport;
        this.capabilities = capabilities;
    }

    /** A client of an OpenAI-compatible server (OpenAI, vLLM, llama.cpp, LM Studio, Ollama's {@code /v1}). */
    public static LlmClient of(ModelRole role, ModelSettings.Role settings) {
        return of(role, settings, LlmMetrics.NONE);
    }

    /** As {@link #of(ModelRole, ModelSettings.Role)}, its calls counted in {@code metrics}. */
    public static LlmClient of(ModelRole role, ModelSettings.Role settings, LlmMetrics metrics) {
        if (!settings.configured()) {
            throw new IllegalArgumentException("casebook.models." + role + " needs base-url and model");
        }
        return new LlmClient(role.wireName(), settings, ChatTransport.openAi(role.wireName(), settings),
                EndpointCapabilities.of(settings.effectiveBaseUrl(), settings.model()), metrics);
    }

    public String role() {
        return role;
    }

    public String endpoint() {
        return endpoint;
    }

    public ModelSettings.Role settings() {
        return settings;
    }

    /** The context window prompts are sized to before a call: configured, else reported by the probe; null if unknown. */
    public Integer contextWindow() {
        return settings.contextWindow() != null ? settings.contextWindow() : capabilities.contextWindow();
    }

    /** Tokens the reply may take, kept free of the prompt when sizing it: {@code max-tokens}, else an eighth. */
    public long replyReserve() {
        Integer window = contextWindow();
        long eighth = window == null ? 0 : window / 8;
        return settings.maxTokens() != null ? settings.maxTokens() : Math.min(eighth, 4096);
    }

    /**
     * Sends the call, as described on the class.
     *
     * @throws LlmException         when no usable reply came: retries spent, request refused, reply truncated, prompt
     *                              too long for the context window, or deadline reached
     * @throws InterruptedException when the calling thread was interrupted (the task was cancelled)
     */
    public LlmReply chat(LlmCall call) throws InterruptedException {
        long started = System.nanoTime();
        try {
            LlmReply reply = send(call, started);
            metrics.succeeded(role, reply, System.nanoTime() - started);
            return reply;
        } catch (LlmException e) {
            metrics.failed(role, e, System.nanoTime() - started);
            throw e;
        }
    }

    private LlmReply send(LlmCall call, long started) throws InterruptedException {
        Integer maxTokens = settings.maxTokens();
        boolean widened = false;
        LlmReply.Usage spent = LlmReply.Usage.NONE;
        int attempts = 0;
        while (true) {
            Feature format = format(call);
            Sent sent = sendRetrying(call, request(call, format, maxTokens), attempts);
            attempts = sent.attempts();
            if (sent.refused() != null) {
                if (format != null && LlmErrors.refusesResponseFormat(sent.refused())
                        && settings.effectiveStructuredOutput() == StructuredOutput.AUTO) {
                    capabilities.refused(format, LlmErrors.describe(sent.refused()));
                    log.info("the {} LLM ({}) refuses response_format {}; asking without it from now on: {}", role,
                            endpoint, format.wireName(), LlmErrors.describe(sent.refused()));
                    continue;
                }
                throw refusal(call, format, sent.refused(), attempts);
            }
            ChatResponse response = sent.response();
            if (format != null) {
                capabilities.accepted(format);
            }
            if (!call.tools().isEmpty()) {
                capabilities.accepted(Feature.TOOLS);
            }
            ReplyText text = ReplyText.of(response.aiMessage());
            LlmReply.Usage usage = spent.plus(usage(call, response, text));
            if (response.finishReason() == FinishReason.LENGTH) {
                if (!widened && settings.retryMaxTokens() != null) {
                    widened = true;
                    spent = usage;
                    maxTokens = settings.retryMaxTokens();
                    log.info("the {} LLM ({}) reached the token limit answering '{}'; asking again with max_tokens {}",
                            role, endpoint, call.interaction(), maxTokens);
                    continue;
                }
                throw new LlmException(LlmException.Kind.TRUNCATED, "the " + role + " LLM (" + endpoint + ") was cut"
                        + " at the token limit answering '" + call.interaction() + "' (finish_reason: length"
                        + (maxTokens == null ? ", the server's limit" : ", max_tokens " + maxTokens) + ")"
                        + (settings.retryMaxTokens() == null ? "; set casebook.models." + role
                        + ".retry-max-tokens to ask again with a larger limit" : ""), attempts, usage, null);
            }
            return reply(call, response, text, usage, attempts, started);
        }
    }

    /** The {@code response_format} type of this call: null for none. */
    private Feature format(LlmCall call) {
        if (call.schema() == null) {
            return null;
        }
        return switch (settings.effectiveStructuredOutput()) {
            case NONE -> null;
            case JSON_SCHEMA -> Feature.JSON_SCHEMA;
            case JSON_OBJECT -> Feature.JSON_OBJECT;
            case AUTO -> !capabilities.refused(Feature.JSON_SCHEMA) ? Feature.JSON_SCHEMA
                    : !capabilities.refused(Feature.JSON_OBJECT) ? Feature.JSON_OBJECT : null;
        };
    }

    private static ChatRequest request(LlmCall call, Feature format, Integer maxTokens) {
        ChatRequest.Builder request = ChatRequest.builder().messages(call.messages())
                .toolSpecifications(call.tools().isEmpty() ? null : call.tools())
                .temperature(call.sampling().temperature())
                .topP(call.sampling().topP())
                .presencePenalty(call.sampling().presencePenalty())
                .frequencyPenalty(call.sampling().frequencyPenalty());
        if (format == Feature.JSON_SCHEMA) {
            request.responseFormat(ResponseFormat.builder().type(ResponseFormatType.JSON).jsonSchema(call.schema())
                    .build());
        } else if (format == Feature.JSON_OBJECT) {
            request.responseFormat(ResponseFormat.JSON);
        }
        if (maxTokens != null) {
            request.maxOutputTokens(maxTokens);
        }
        return request.build();
    }

    /** A response, or the exception of a request the server refused (not retryable), with the attempts so far. */
    private record Sent(ChatResponse response, RuntimeException refused, int attempts) {
    }

    private Sent sendRetrying(LlmCall call, ChatRequest request, int attemptsBefore) throws InterruptedException {
        RetryPolicy retry = settings.retryPolicy();
        RuntimeException last = null;
        int attempt = attemptsBefore;
        for (int tries = 1; tries <= retry.maxRetries() + 1; tries++) {
            if (tries > 1) {
                sleepUntilRetry(call, tries, attempt, last);
            }
            attempt++;
            long remaining = Duration.between(Instant.now(), call.deadline()).toMillis();
            if (remaining <= 0) {
                throw deadline(call, attempt - 1, last);
            }
            try {
                return new Sent(transport.send(call.interaction(), request, Duration.ofMillis(remaining)), null,
                        attempt);
            } catch (ChatTransport.TimedOut e) {
                throw deadline(call, attempt, e);
            } catch (RuntimeException e) {
                if (LlmErrors.contextWindow(e)) {
                    throw new LlmException(LlmException.Kind.CONTEXT_WINDOW, "the prompt of '" + call.interaction()
                            + "' does not fit the context window of the " + role + " LLM (" + endpoint + "): "
                            + LlmErrors.describe(e), attempt, e);
                }
                if (!LlmErrors.retryable(e)) {
                    return new Sent(null, e, attempt);
                }
                last = e;
            }
        }
        int attempts = retry.maxRetries() + 1;
        throw new LlmException(LlmException.Kind.UNAVAILABLE, "the " + role + " LLM (" + endpoint
                + ") gave no reply to '" + call.interaction() + "' after " + attempts + " attempt"
                + (attempts == 1 ? "" : "s") + "; last error: " + LlmErrors.describe(last), attempt, last);
    }

    private LlmException refusal(LlmCall call, Feature format, RuntimeException e, int attempts) {
        if (!call.tools().isEmpty() && LlmErrors.refusesTools(e)) {
            capabilities.refused(Feature.TOOLS, LlmErrors.describe(e));
        }
        String hint = format != null && LlmErrors.refusesResponseFormat(e) ? " (casebook.models." + role
                + ".structured-output is " + settings.effectiveStructuredOutput().wireName() + "; 'auto' falls back)"
                : "";
        return new LlmException(LlmException.Kind.REJECTED, "the " + role + " LLM (" + endpoint
                + ") refused the '" + call.interaction() + "' request: " + LlmErrors.describe(e) + hint, attempts, e);
    }

    private void sleepUntilRetry(LlmCall call, int tries, int attempts, RuntimeException last)
            throws InterruptedException {
        Duration wait = settings.retryPolicy().backoff(tries - 1);
        Duration left = Duration.between(Instant.now(), call.deadline());
        if (left.compareTo(wait) <= 0) {
            throw deadline(call, attempts, last);
        }
        Thread.sleep(wait);
    }

    private LlmException deadline(LlmCall call, int attempts, Throwable cause) {
        return new LlmException(LlmException.Kind.DEADLINE, "the task's wall-time budget ran out while waiting for the "
                + role + " LLM (" + endpoint + ") to answer '" + call.interaction() + "'", attempts, cause);
    }

    /** The server's usage, else an estimate from what was sent and received (marked so). */
    private static LlmReply.Usage usage(LlmCall call, ChatResponse response, ReplyText text) {
        long reasoningEstimate = PromptSize.tokens(text.reasoning().length());
        TokenUsage usage = response.tokenUsage();
        if (usage != null && usage.inputTokenCount() != null && usage.outputTokenCount() != null) {
            Integer reasoning = usage instanceof OpenAiTokenUsage openAi && openAi.outputTokensDetails() != null
                    ? openAi.outputTokensDetails().reasoningTokens() : null;
            return new LlmReply.Usage(usage.inputTokenCount(), usage.outputTokenCount(),
                    reasoning != null ? reasoning : Math.min(reasoningEstimate, usage.outputTokenCount()), false);
        }
        long output = PromptSize.tokens(PromptSize.chars(response.aiMessage())) + reasoningEstimate;
        return new LlmReply.Usage(PromptSize.tokens(call.messages(), call.tools()), output, reasoningEstimate, true);
    }

    private LlmReply reply(LlmCall call, ChatResponse response, ReplyText text, LlmReply.Usage usage, int attempts,
            long started) {
        List<ToolExecutionRequest> calls = response.aiMessage().toolExecutionRequests();
        String dialect = calls.isEmpty() ? "" : "native";
        String visible = text.text();
        if (calls.isEmpty() && !call.tools().isEmpty()) {
            TextToolCalls.Found found = TextToolCalls.read(visible);
            if (found.any()) {
                calls = new ArrayList<>();
                for (TextToolCalls.Call c : found.calls()) {
                    calls.add(ToolExecutionRequest.builder().id("text_call_" + (calls.size() + 1)).name(c.name())
                            .arguments(c.arguments()).build());
                }
                dialect = found.dialect();
                visible = found.text();
            }
        }
        AiMessage message = calls.isEmpty() ? AiMessage.from(visible)
                : AiMessage.builder().text(visible.isEmpty() ? null : visible).toolExecutionRequests(calls).build();
        return new LlmReply(message, settings.effectiveKeepReasoning() ? text.reasoning() : "", usage, dialect,
                attempts, (System.nanoTime() - started) / 1_000_000);
    }
}
