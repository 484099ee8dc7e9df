package dev.casebook.eval.score;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The deterministic scorers by name. Judges need a model and are built by their owner. */
public final class Scorers {
    private static final Map<String, Scorer> BY_NAME = List.<Scorer>of(
                    new GaiaQuasiExactMatch(), new DeepResearcherOverlap(), SquadOverlap.squad(), SquadOverlap.hotpotqa())
            .stream().collect(Collectors.toUnmodifiableMap(Scorer::name, Function.identity()));

    private Scorers() {
    }

    public static List<String> names() {
        return BY_NAME.keySet().stream().sorted().toList();
    }

    /** @throws UnknownScorerException when no deterministic scorer has that name */
    public static Scorer byName(String name) {
        Scorer scorer = BY_NAME.get(name);
        if (scorer == null) {
            throw new UnknownScorerException(name, names());
        }
        return scorer;
    }
}
