package dev.casebook.eval.scoring;

import dev.casebook.eval.score.Scorer;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/** Scores a JSONL of predictions without running the agent (the scoring-only entry point of the CLI and REST API). */
public final class ScoringJob {
    private final ScorerRegistry registry;

    public ScoringJob(ScorerRegistry registry) {
        this.registry = registry;
    }

    /**
     * Parses the whole input and resolves every scorer before scoring anything, so a bad line or a judge without a
     * model fails the request without partial output.
     *
     * @throws MalformedInputException naming the first bad line
     */
    public ScoringReport score(Reader input, String defaultScorer) {
        return score(ScoringInput.parse(input, defaultScorer, registry.acceptedNames()));
    }

    /** Scores parsed lines; every scorer is resolved first. */
    public ScoringReport score(List<ScoringLine> lines) {
        lines.stream().map(ScoringLine::scorer).distinct().forEach(registry::byName);
        List<ScoringReport.Scored> scored = new ArrayList<>(lines.size());
        for (ScoringLine line : lines) {
            Scorer scorer = registry.byName(line.scorer());
            scored.add(new ScoringReport.Scored(line.id(), line.scorer(), scorer.score(line.question(), line.prediction(), line.golds())));
        }
        return ScoringReport.of(scored);
    }
}
