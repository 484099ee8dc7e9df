package dev.casebook.memory.policy.learned;

import dev.casebook.memory.Case;
import java.util.List;

/**
 * The embeddings of cases as the Q-network sees them (the store's search results carry no vectors). Implementations
 * are thread-safe and return vectors of the policy's dimension.
 */
@FunctionalInterface
public interface CaseVectors {

    /** One vector per case, in order. */
    List<float[]> vectors(List<Case> cases);
}
