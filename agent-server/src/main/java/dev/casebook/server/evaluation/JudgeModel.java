package dev.casebook.server.evaluation;

import dev.casebook.server.llm.LlmCall;
import dev.casebook.server.llm.LlmClient;
import dev.casebook.server.llm.LlmException;
import dev.casebook.server.llm.LlmMetrics;
import dev.casebook.server.llm.LlmReply;
import dev.casebook.server.llm.ModelRole;
import dev.casebook.server.llm.ModelSettings;
import dev.casebook.server.llm.Sampling;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The chat model of the {@code judge} and {@code simpleqa} scorers for a judge role ({@code casebook.models.judge.*},
 * unset keys from the planner, or a run's choice), reached through the same {@link LlmClient} as the agent's roles,
 * so that the judge gets the rules the planner gets for what real servers reply: the verdict is asked for with
 * {@code response_format} as the role's {@code structured-output} says (falling back when the endpoint refuses it),
 * reasoning ({@code <think>} blocks, {@code reasoning_content}) is split off the text before the scorer reads it, a
 * reply cut at the token limit is asked again with {@code retry-max-tokens} when configured, the role's retries and
 * time-out apply, and usage is estimated when the endpoint sends none.
 *
 * <p>A reply that is still cut at the token limit is answered as one ({@link FinishReason#LENGTH}, no text), so the
 * scorer asks again within its attempts and then flags the item; any other failure of the model is thrown, which
 * the scorers report as the judge being unavailable.
 */
final class JudgeModel implements ChatModel {
    /** The judge's verdict, as {@code response_format} asks for it. */
    static final JsonSchema VERDICT = JsonSchema.builder().name("verdict").rootElement(JsonObjectSchema.builder()
            .addStringProperty("rationale").addEnumProperty("judgement", List.of("correct", "incorrect"))
            .required("rationale", "judgement").build()).build();
    private static final Pattern INTERACTION = Pattern.compile("\\[interaction: ([a-z-]+)]");

    private final LlmClient client;

    private JudgeModel(LlmClient client) {
        this.client = client;
    }

    /** @param metrics where the judge's calls are counted ({@code casebook_llm_*{role="judge"}}) */
    static ChatModel of(ModelSettings.Role judge, LlmMetrics metrics) {
        if (!judge.configured()) {
            throw new IllegalArgumentException("the judge role names no model and endpoint: " + judge);
        }
        return new JudgeModel(LlmClient.of(ModelRole.JUDGE, judge, metrics));
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        String interaction = interaction(request.messages());
        JsonSchema schema = request.responseFormat() != null && request.responseFormat().jsonSchema() != null
                ? request.responseFormat().jsonSchema() : interaction.equals("judge") ? VERDICT : null;
        int calls = client.settings().retryPolicy().maxRetries() + 2; // the retries, and one asking with more tokens
        Instant deadline = Instant.now().plus(client.settings().effectiveTimeout().multipliedBy(calls));
        try {
            LlmReply reply = client.chat(new LlmCall(interaction, request.messages(), List.of(), deadline, schema,
                    Sampling.DEFAULT));
            return ChatResponse.builder().aiMessage(AiMessage.builder().text(reply.text())
                            .thinking(reply.reasoning().isEmpty() ? null : reply.reasoning()).build())
                    .tokenUsage(usage(reply.usage())).finishReason(FinishReason.STOP).build();
        } catch (LlmException e) {
            if (e.kind() != LlmException.Kind.TRUNCATED) {
                throw e;
            }
            return ChatResponse.builder().aiMessage(AiMessage.from("")).tokenUsage(usage(e.spent()))
                    .finishReason(FinishReason.LENGTH).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("the " + interaction + " call was interrupted (the run is stopping)", e);
        }
    }

    /** The interaction a scorer names in its system prompt ({@code [interaction: judge]}); {@code judge} when none. */
    static String interaction(List<ChatMessage> messages) {
        for (ChatMessage message : messages) {
            if (message instanceof SystemMessage system) {
                Matcher m = INTERACTION.matcher(system.text());
                if (m.find()) {
                    return m.group(1);
                }
            }
        }
        return "judge";
    }

    private static TokenUsage usage(LlmReply.Usage usage) {
        return new TokenUsage((int) Math.min(Integer.MAX_VALUE, usage.input()),
                (int) Math.min(Integer.MAX_VALUE, usage.output()));
    }
}
