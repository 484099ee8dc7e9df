package dev.casebook.eval.scoring;

import dev.casebook.eval.score.JudgeNotConfiguredException;
import dev.casebook.eval.score.LlmJudge;
import dev.casebook.eval.score.Scorer;
import dev.casebook.eval.score.Scorers;
import dev.casebook.eval.score.SimpleQaGrader;
import dev.casebook.eval.score.UnknownScorerException;
import dev.langchain4j.model.chat.ChatModel;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The scorers available by name: the deterministic ones always, the judges ({@code judge}, {@code simpleqa}) only
 * when a judge model is configured.
 */
public final class ScorerRegistry {
    public static final int DEFAULT_JUDGE_ATTEMPTS = 3;

    private final Map<String, Scorer> scorers = new LinkedHashMap<>();

    private ScorerRegistry(ChatModel judgeModel, int judgeAttempts) {
        Scorers.names().forEach(name -> scorers.put(name, Scorers.byName(name)));
        if (judgeModel != null) {
            scorers.put(LlmJudge.NAME, new LlmJudge(judgeModel, judgeAttempts));
            scorers.put(SimpleQaGrader.NAME, new SimpleQaGrader(judgeModel, judgeAttempts));
        }
    }

    public static ScorerRegistry deterministic() {
        return new ScorerRegistry(null, DEFAULT_JUDGE_ATTEMPTS);
    }

    public static ScorerRegistry withJudge(ChatModel judgeModel, int judgeAttempts) {
        return new ScorerRegistry(judgeModel, judgeAttempts);
    }

    public Set<String> names() {
        return scorers.keySet();
    }

    /** @throws UnknownScorerException for an unknown name, or @throws JudgeNotConfiguredException for a judge name without a judge model */
    public Scorer byName(String name) {
        Scorer scorer = scorers.get(name);
        if (scorer == null) {
            if (List.of(LlmJudge.NAME, SimpleQaGrader.NAME).contains(name)) {
                throw new JudgeNotConfiguredException(name);
            }
            throw new UnknownScorerException(name, List.copyOf(names()));
        }
        return scorer;
    }

    /** Every known scorer name, judges included, so inputs naming a judge fail with the reason above. */
    public Set<String> acceptedNames() {
        Set<String> all = new LinkedHashSet<>(names());
        all.add(LlmJudge.NAME);
        all.add(SimpleQaGrader.NAME);
        return all;
    }
}
