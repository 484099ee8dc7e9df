package dev.casebook.server.memory;

import dev.casebook.llm.ReplyJson;
import dev.casebook.llm.ReplyText;
import dev.casebook.memory.Case;
import dev.casebook.memory.CaseLabel;
import dev.casebook.memory.insight.FamilyRule;
import dev.casebook.memory.insight.Insight;
import dev.casebook.server.llm.LlmCall;
import dev.casebook.server.llm.LlmClient;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * Distils an {@link Insight} from a family of past cases (the interaction {@code distil}): the LLM is shown the
 * family's successes and failures and writes one short, reusable lesson ("for tasks like X, do Y; avoid Z"). The
 * insight's centroid is the mean of every member's task vector, its evidence the cases the LLM was shown.
 *
 * <p>Replies are read as the planner's are: reasoning blocks split off ({@link ReplyText}), the JSON object found in
 * fences or prose and repaired ({@link ReplyJson}). A reply cut off inside its reasoning, without the object, or
 * with a blank insight is {@link Outcome.Declined declined} with the reason; nothing is written then.
 */
public final class InsightDistiller {

    /** One call to the distilling model: system and user message in, the reply's text (reasoning may be in it). */
    @FunctionalInterface
    public interface Chat {
        String reply(String system, String user) throws InterruptedException;

        /** The {@code distil} interaction on a role's model, JSON asked for as the role's settings say. */
        static Chat of(LlmClient client, Duration timeout) {
            return (system, user) -> client.chat(LlmCall.json("distil", List.of(SystemMessage.from(system),
                    UserMessage.from(user)), Instant.now().plus(timeout), SCHEMA)).text();
        }
    }

    /** A case of the family as the distiller sees it. */
    public record Member(UUID caseId, String task, String plan, String answer, boolean success, float[] vector) {
        public Member {
            Objects.requireNonNull(caseId, "caseId");
            Objects.requireNonNull(vector, "vector");
            task = Objects.requireNonNullElse(task, "");
            plan = Objects.requireNonNullElse(plan, "");
            answer = Objects.requireNonNullElse(answer, "");
        }

        /** A member of a family as {@link FamilyRule} found it: a success when the case's label is positive. */
        public static Member of(FamilyRule.Member member) {
            Case c = member.value();
            return new Member(c.id(), c.task(), c.plan(), c.answer(), c.label() == CaseLabel.POSITIVE,
                    member.vector());
        }
    }

    /** What a distillation gave. */
    public sealed interface Outcome {
        record Distilled(Insight insight) implements Outcome {
        }

        record Declined(String reason) implements Outcome {
        }
    }

    /** The server's default of {@code casebook.memory.insights.max-shown}. */
    public static final int MAX_SHOWN = 5;

    static final JsonSchema SCHEMA = JsonSchema.builder().name("insight").rootElement(JsonObjectSchema.builder()
            .addStringProperty("family").addStringProperty("insight").build()).build();

    static final String SYSTEM = """
            You distil lessons from experience. Below are past tasks of one family (tasks of the same kind) with \
            the plan that was tried and whether it succeeded. Write one short lesson that would help the next task \
            of this family: what the successful plans did that the failed ones did not, and what to avoid.
            Reply with one JSON object and nothing else:
            {"family": "a few words naming the kind of task", "insight": "For tasks like X, do Y; avoid Z."}
            If the tasks teach nothing general, reply {"family": "", "insight": ""}.""";

    static final String USER = """
            Successful tasks of this family:
            %s
            Failed tasks of this family:
            %s%s""";

    static final String PREVIOUS = """

            The lesson learned from this family before (revise it with the tasks above; keep what it says to avoid \
            unless a successful task above did it): %s""";

    private static final String MEMBER = """
            [%d] Task: %s
                Plan: %s
                Answer: %s
            """;

    private final Chat chat;
    private final int maxShown;

    /**
     * @param maxShown at most this many successes, and this many failures, are shown (the first of each in the
     *                 members' order)
     */
    public InsightDistiller(Chat chat, int maxShown) {
        this.chat = Objects.requireNonNull(chat, "chat");
        if (maxShown < 1) {
            throw new IllegalArgumentException("maxShown must be positive, was " + maxShown);
        }
        this.maxShown = maxShown;
    }

    /**
     * Distils the family's insight, a new one or {@code previous} revised (same id).
     *
     * @param members the family's cases, the ones to show first first; their vectors give the centroid
     */
    public Outcome distil(String tenant, String bank, List<Member> members, Insight previous)
            throws InterruptedException {
        List<Member> successes = members.stream().filter(Member::success).limit(maxShown).toList();
        List<Member> failures = members.stream().filter(m -> !m.success()).limit(maxShown).toList();
        if (successes.isEmpty()) {
            return new Outcome.Declined("the family has no successful case to learn from");
        }
        String user = USER.formatted(describe(successes, 1), failures.isEmpty() ? "(none)\n"
                : describe(failures, successes.size() + 1),
                previous == null ? "" : PREVIOUS.formatted(previous.text()));
        ReplyText reply = ReplyText.of(chat.reply(SYSTEM, user), null);
        JsonNode json;
        try {
            json = ReplyJson.object(reply.text());
        } catch (ReplyJson.Invalid e) {
            return new Outcome.Declined((reply.unclosed() ? "the reply was cut off inside its reasoning: "
                    : "the reply holds no insight: ") + e.getMessage());
        }
        String text = json.path("insight").isString() ? json.path("insight").asString().strip() : "";
        if (text.isEmpty()) {
            return new Outcome.Declined("the model found no lesson in this family");
        }
        if (text.length() > Insight.MAX_TEXT) {
            text = text.substring(0, Insight.MAX_TEXT);
        }
        String family = json.path("family").isString() ? json.path("family").asString().strip() : "";
        List<UUID> evidence = new ArrayList<>();
        successes.forEach(m -> evidence.add(m.caseId()));
        failures.forEach(m -> evidence.add(m.caseId()));
        float[] centroid = Insight.centroidOf(members.stream().map(Member::vector).toList());
        Insight insight = previous == null
                ? Insight.of(tenant, bank, family, text, centroid, members.size(), successes.size(), failures.size(),
                        evidence)
                : previous.revised(family, text, centroid, members.size(), successes.size(), failures.size(),
                        evidence);
        return new Outcome.Distilled(insight);
    }

    private static String describe(List<Member> members, int first) {
        StringBuilder out = new StringBuilder();
        int n = first;
        for (Member m : members) {
            out.append(MEMBER.formatted(n++, oneLine(m.task()), oneLine(m.plan()), oneLine(m.answer())));
        }
        return out.toString();
    }

    private static String oneLine(String text) {
        String line = text.replaceAll("\\s+", " ").strip();
        return line.length() <= 500 ? line : line.substring(0, 500) + "...";
    }
}
