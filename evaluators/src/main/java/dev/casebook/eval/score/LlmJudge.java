package dev.casebook.eval.score;

import dev.casebook.llm.ReplyJson;
import dev.langchain4j.model.chat.ChatModel;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The "PM"/MBE judge: an LLM decides whether the prediction is semantically equivalent to any gold answer and
 * answers with JSON {@code {"rationale": ..., "judgement": "correct" | "incorrect"}}. A reply that is not such JSON
 * is asked again, up to {@code maxAttempts} calls in all; then the prediction is scored incorrect and flagged. A
 * missing prediction is incorrect without a call.
 */
public final class LlmJudge implements Scorer {
    public static final String NAME = "judge";
    public static final String INTERACTION = "judge";

    static final String SYSTEM_PROMPT = """
            [interaction: judge]
            You grade answers to questions. Decide whether the predicted answer means the same as at least one of \
            the gold answers: the same entity, number, date or fact, allowing for differences in wording, \
            formatting, abbreviation, units written out, or extra detail that does not contradict the gold answer. \
            An answer that hedges between several candidates, or contradicts every gold answer, is incorrect.
            Reply with a single JSON object and nothing else:
            {"rationale": "<one or two sentences>", "judgement": "correct" | "incorrect"}""";

    static final String USER_PROMPT = """
            Question: %s
            Gold answers (any one is acceptable):
            %s
            Predicted answer: %s""";

    private final JudgeCall<Verdict> call;

    record Verdict(boolean correct, String rationale) {
    }

    public LlmJudge(ChatModel model, int maxAttempts) {
        this.call = new JudgeCall<>(model, INTERACTION, maxAttempts);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ScoreResult score(String prediction, List<String> golds) {
        return score("(not given)", prediction, golds);
    }

    @Override
    public ScoreResult score(String question, String prediction, List<String> golds) {
        Scorer.requireGolds(golds);
        if (prediction == null || prediction.isBlank()) {
            return new ScoreResult.Judged(false, "no prediction", 0, false, 0);
        }
        StringBuilder goldList = new StringBuilder();
        golds.forEach(g -> goldList.append("- ").append(g).append('\n'));
        String user = USER_PROMPT.formatted(question == null ? "(not given)" : question, goldList.toString().strip(), prediction);
        JudgeCall.Outcome<Verdict> outcome = call.ask(SYSTEM_PROMPT, user, LlmJudge::parse);
        return outcome.parsed()
                .map(v -> (ScoreResult) new ScoreResult.Judged(v.correct(), v.rationale(), outcome.attempts(), false,
                        outcome.tokens()))
                .orElseGet(() -> new ScoreResult.Judged(false,
                        "unparseable judge reply after " + outcome.attempts() + " attempts: " + abbreviate(outcome.lastReply()),
                        outcome.attempts(), true, outcome.tokens()));
    }

    /** The verdict in a reply's text: its JSON object ({@link ReplyJson}: fences, prose around it) with a known judgement. */
    static Optional<Verdict> parse(String reply) {
        tools.jackson.databind.JsonNode node;
        try {
            node = ReplyJson.object(reply);
        } catch (ReplyJson.Invalid e) {
            return Optional.empty();
        }
        tools.jackson.databind.JsonNode judgement = node.get("judgement");
        if (judgement == null || !judgement.isString()) {
            return Optional.empty();
        }
        String rationale = node.path("rationale").isString() ? node.path("rationale").asString() : "";
        return switch (judgement.asString().strip().toLowerCase(Locale.ROOT)) {
            case "correct" -> Optional.of(new Verdict(true, rationale));
            case "incorrect" -> Optional.of(new Verdict(false, rationale));
            default -> Optional.empty();
        };
    }

    static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }
}
