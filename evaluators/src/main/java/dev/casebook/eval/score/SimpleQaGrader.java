package dev.casebook.eval.score;

import dev.langchain4j.model.chat.ChatModel;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SimpleQA's grading: an LLM grades the prediction against the gold target as CORRECT (A), INCORRECT (B) or
 * NOT_ATTEMPTED (C), following SimpleQA's rules (hedged or partial answers that do not contradict the target are
 * not attempted; any contradiction is incorrect; numbers must match to the last significant figure of the target).
 * The grade is the reply's letter or grade word. An unparseable reply is asked again up to {@code maxAttempts}
 * calls; then the grade is NOT_ATTEMPTED, as in SimpleQA's own grader, and flagged. Only CORRECT counts as correct.
 */
public final class SimpleQaGrader implements Scorer {
    public static final String NAME = "simpleqa";
    public static final String INTERACTION = "simpleqa-grade";

    static final String SYSTEM_PROMPT = """
            [interaction: simpleqa-grade]
            You grade a predicted answer against a gold target as CORRECT, INCORRECT or NOT_ATTEMPTED.
            - CORRECT: the prediction contains the gold target's key information and nothing that contradicts it. \
            Capitalisation, punctuation, grammar, order and small typos in names do not matter; hedging is fine as \
            long as the target is given and nothing contradicts it.
            - INCORRECT: any statement in the prediction contradicts the gold target, including hedged answers that \
            name a wrong candidate or several candidates one of which is wrong.
            - NOT_ATTEMPTED: the target is not given and nothing contradicts it, e.g. "I don't know", a refusal, or an \
            answer that is only partial without contradiction.
            For numbers the prediction must be correct to the last significant figure of the target; information \
            that the question already implies may be left out.
            Reply with one letter and nothing else: A for CORRECT, B for INCORRECT, C for NOT_ATTEMPTED.""";

    static final String USER_PROMPT = """
            Question: %s
            Gold target: %s
            Predicted answer: %s""";

    private static final Pattern GRADE = Pattern.compile("^\\W*(A|B|C|CORRECT|INCORRECT|NOT_ATTEMPTED)\\b");

    private final JudgeCall<SimpleQaGrade> call;

    public SimpleQaGrader(ChatModel model, int maxAttempts) {
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
            return new ScoreResult.Graded(SimpleQaGrade.NOT_ATTEMPTED, 0, false, 0);
        }
        String user = USER_PROMPT.formatted(question == null ? "(not given)" : question, String.join(" | ", golds), prediction);
        JudgeCall.Outcome<SimpleQaGrade> outcome = call.ask(SYSTEM_PROMPT, user, SimpleQaGrader::parse);
        return outcome.parsed()
                .map(grade -> new ScoreResult.Graded(grade, outcome.attempts(), false, outcome.tokens()))
                .orElseGet(() -> new ScoreResult.Graded(SimpleQaGrade.NOT_ATTEMPTED, outcome.attempts(), true,
                        outcome.tokens()));
    }

    static Optional<SimpleQaGrade> parse(String reply) {
        Matcher matcher = GRADE.matcher(reply.strip());
        if (!matcher.find()) {
            return Optional.empty();
        }
        return Optional.of(switch (matcher.group(1)) {
            case "A", "CORRECT" -> SimpleQaGrade.CORRECT;
            case "B", "INCORRECT" -> SimpleQaGrade.INCORRECT;
            default -> SimpleQaGrade.NOT_ATTEMPTED;
        });
    }
}
