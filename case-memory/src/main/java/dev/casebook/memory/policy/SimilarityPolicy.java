package dev.casebook.memory.policy;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseLabel;
import dev.casebook.memory.CaseRetriever;
import dev.casebook.memory.HybridQuery;
import dev.casebook.memory.ScoredCase;
import dev.casebook.memory.VectorQuery;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The non-parametric policy: the {@code k} cases most similar to the task, positives as examples to follow and
 * negatives as pitfalls to avoid, in similarity order. Quotas bound how many of each kind are taken; when one kind
 * is exhausted or full, the next similar case of the other kind takes the place, looking at most
 * {@link Settings#candidates()} cases deep. With {@link Settings#hybrid()} the candidates come from vector and BM25
 * search over the task text, fused by reciprocal rank (the score is then the fused score). The score of a
 * provisional synthetic case is multiplied by the request's {@link SelectionRequest#syntheticPrior() synthetic
 * prior} before the candidates are ranked (a stable sort: equal scores keep the store's order), and at most
 * {@link SelectionRequest#maxProvisional()} provisional cases are taken: then, as for the other quotas, the next similar
 * case of another kind takes the place. A {@link Case#refuted() refuted} case is never taken.
 */
public final class SimilarityPolicy implements CaseSelectionPolicy {

    /**
     * @param maxPositives at most this many positive cases (examples) per selection
     * @param maxNegatives at most this many negative cases (pitfalls) per selection
     * @param candidates   how many nearest cases are considered before the quotas are applied
     * @param hybrid       fuse BM25 over the task text with vector similarity
     */
    public record Settings(int maxPositives, int maxNegatives, int candidates, boolean hybrid) {
        public static final Settings DEFAULT = new Settings(64, 64, 32, false);

        public Settings {
            if (maxPositives < 0 || maxNegatives < 0) {
                throw new IllegalArgumentException("quotas must not be negative, were maxPositives=" + maxPositives
                        + " maxNegatives=" + maxNegatives);
            }
            if (candidates < 1 || candidates > 10_000) {
                throw new IllegalArgumentException("candidates must be within [1, 10000], was " + candidates);
            }
        }

        /** Plain top-K: no quotas. */
        public static Settings topK() {
            return DEFAULT;
        }

        /** At most {@code positives} examples and {@code negatives} pitfalls. */
        public static Settings quotas(int positives, int negatives) {
            return new Settings(positives, negatives, DEFAULT.candidates, false);
        }

        public Settings withHybrid(boolean hybrid) {
            return new Settings(maxPositives, maxNegatives, candidates, hybrid);
        }

        public Settings withCandidates(int candidates) {
            return new Settings(maxPositives, maxNegatives, candidates, hybrid);
        }
    }

    private final CaseRetriever retriever;
    private final Settings settings;

    public SimilarityPolicy(CaseRetriever retriever, Settings settings) {
        this.retriever = Objects.requireNonNull(retriever, "retriever");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public String name() {
        return "similarity";
    }

    public Settings settings() {
        return settings;
    }

    @Override
    public List<SelectedCase> select(SelectionRequest request) {
        if (request.k() == 0) {
            return List.of();
        }
        int depth = Math.max(request.k(), settings.candidates());
        List<ScoredCase> candidates = settings.hybrid() && !request.task().isBlank()
                ? retriever.hybridSearch(new HybridQuery(request.state(), request.task(), request.filter(), depth))
                : retriever.search(new VectorQuery(request.state(), request.filter(), depth));
        // a refuted case is not shown; filtered here rather than in the store's query, so the listing still holds it
        candidates = candidates.stream().filter(c -> !c.value().refuted()).toList();
        if (request.syntheticPrior() < 1) {
            candidates = candidates.stream()
                    .map(c -> new ScoredCase(c.value(), request.prior(c.value(), c.score())))
                    .sorted(Comparator.comparingDouble(ScoredCase::score).reversed())
                    .toList();
        }
        List<SelectedCase> selected = new ArrayList<>(request.k());
        int positives = 0;
        int negatives = 0;
        int provisional = 0;
        for (ScoredCase candidate : candidates) {
            if (selected.size() == request.k()) {
                break;
            }
            if (candidate.value().provisional() && provisional >= request.maxProvisional()) {
                continue;
            }
            int before = selected.size();
            if (candidate.value().label() == CaseLabel.POSITIVE && positives < settings.maxPositives()) {
                positives++;
                selected.add(new SelectedCase(candidate.value(), candidate.score(), CaseRole.EXAMPLE));
            } else if (candidate.value().label() == CaseLabel.NEGATIVE && negatives < settings.maxNegatives()) {
                negatives++;
                selected.add(new SelectedCase(candidate.value(), candidate.score(), CaseRole.PITFALL));
            }
            if (selected.size() > before && candidate.value().provisional()) {
                provisional++;
            }
        }
        return List.copyOf(selected);
    }
}
