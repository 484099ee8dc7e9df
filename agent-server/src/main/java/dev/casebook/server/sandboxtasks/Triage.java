package dev.casebook.server.sandboxtasks;

import dev.casebook.llm.ReplyJson;
import dev.casebook.server.lessons.FailureAnalysis;
import dev.casebook.server.lessons.Trace;
import dev.casebook.server.llm.LlmCall;
import dev.casebook.server.llm.LlmClient;
import dev.casebook.server.llm.LlmException;
import dev.casebook.server.llm.LlmReply;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The interaction {@code triage}: every rollout of a kept task failed although its reference solution passed the
 * validator. The analyst model (the job's judge) decides whether the agent made a mistake ({@code agent_mistake}: a
 * lesson is worth writing) or the task is defective ({@code task_defect}: the validator and the statement disagree,
 * so a lesson would mislead; the task is discarded). A reply that is not the JSON asked for (or a truncated one) is
 * asked again, up to {@code attempts} calls; then the triage is {@link Verdict#undecided() undecided} and no case is
 * written.
 */
final class Triage {
    static final String AGENT_MISTAKE = "agent_mistake";
    static final String TASK_DEFECT = "task_defect";
    static final Set<String> VERDICTS = Set.of(AGENT_MISTAKE, TASK_DEFECT);

    static final String SYSTEM = """
            You triage a generated practice task. An AI agent failed it in every attempt, although the task's \
            reference solution passes its validator program. Decide which is to blame:
            - agent_mistake: the statement asks for what the validator checks, and a careful agent could have passed;
            - task_defect: the validator checks something the statement does not ask for or contradicts, or only \
            the reference's exact approach could pass.
            Reply with one JSON object and nothing else: {"verdict": "agent_mistake", "reason": "one sentence"}""";

    static final String CASE = """
            Task: %s

            Validator:
            %s

            Reference solution:
            %s

            Reference answer: %s

            The agent's attempts (%d, all rejected). The first one:
            Plan:
            %s

            Trace:
            %s

            Final answer: %s

            Validator output:
            %s""";

    static final String CORRECTION = """
            That reply is not the JSON asked for: %s. Reply again with only the JSON object: \
            {"verdict": "agent_mistake" or "task_defect", "reason": "one sentence"}""";

    static final JsonSchema SCHEMA = JsonSchema.builder().name("triage").rootElement(JsonObjectSchema.builder()
            .addEnumProperty("verdict", List.of(AGENT_MISTAKE, TASK_DEFECT)).addStringProperty("reason")
            .required("verdict", "reason").build()).build();

    /** The triage's verdict ({@code null} when undecided), its reason, and the tokens it cost. */
    record Verdict(String verdict, String reason, long tokens) {
        boolean undecided() {
            return verdict == null;
        }

        boolean defect() {
            return TASK_DEFECT.equals(verdict);
        }
    }

    private final LlmClient analyst;
    private final int attempts;
    private final Duration callTimeout;

    Triage(LlmClient analyst, int attempts, Duration callTimeout) {
        this.analyst = analyst;
        this.attempts = attempts;
        this.callTimeout = callTimeout;
    }

    Verdict decide(String task, String validator, String reference, String referenceAnswer, int failures,
                   FailureAnalysis.Attempt failing, String validatorOutput) throws InterruptedException {
        List<ChatMessage> messages = new ArrayList<>(List.of(SystemMessage.from(SYSTEM),
                UserMessage.from(CASE.formatted(task, blank(validator), blank(reference), blank(referenceAnswer),
                        failures, blank(failing.plan()), blank(failing.trace()), blank(failing.answer()),
                        blank(validatorOutput)))));
        long tokens = 0;
        String problem = "no reply";
        for (int attempt = 1; attempt <= attempts; attempt++) {
            LlmReply reply;
            try {
                reply = analyst.chat(LlmCall.json("triage", messages, Instant.now().plus(callTimeout), SCHEMA));
            } catch (LlmException e) {
                problem = e.getMessage(); // a truncated reply, or the model unreachable after its retries
                continue;
            }
            tokens += reply.tokens();
            try {
                return parse(reply.text(), tokens);
            } catch (ReplyJson.Invalid e) {
                problem = e.getMessage();
                messages.add(AiMessage.from(reply.text().isBlank() ? "(empty reply)" : reply.text()));
                messages.add(UserMessage.from(CORRECTION.formatted(problem)));
            }
        }
        return new Verdict(null, "the triage gave no verdict in " + attempts + " attempt" + (attempts == 1 ? "" : "s")
                + ": " + problem, tokens);
    }

    static Verdict parse(String reply, long tokens) throws ReplyJson.Invalid {
        JsonNode node = ReplyJson.object(reply);
        String verdict = node.path("verdict").asString("").strip().toLowerCase(Locale.ROOT);
        if (!VERDICTS.contains(verdict)) {
            throw new ReplyJson.Invalid("\"verdict\" must be agent_mistake or task_defect, was "
                    + (node.has("verdict") ? node.get("verdict").toString() : "missing"));
        }
        String reason = node.path("reason").isString() ? node.get("reason").asString().strip() : "";
        return new Verdict(verdict, Trace.cut(reason.isEmpty() ? "(no reason given)" : reason, 1_000), tokens);
    }

    private static String blank(String text) {
        return text == null || text.isBlank() ? "(none)" : text.strip();
    }
}
