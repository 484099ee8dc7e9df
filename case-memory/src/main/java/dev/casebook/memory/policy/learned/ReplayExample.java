package dev.casebook.memory.policy.learned;

import dev.casebook.memory.CaseLabel;
import dev.casebook.memory.CaseSource;
import dev.casebook.memory.embedding.Vectors;
import java.util.Objects;
import java.util.UUID;

/**
 * One training example for the learned policy: the tenant whose episode it was, the task state (its embedding), a
 * case that was selected for it as the network saw it at selection time (its embedding, counts and label) and the
 * binary reward of the episode (1 = success). The tenant does not enter the features (one network learns from all
 * tenants); it is kept so a tenant's examples can be audited and deleted.
 *
 * <p>{@code episode} groups the examples of one episode (the cases shown together) for {@link Credit#SLATE}, and
 * {@code propensity} is the probability that the selection would show this case ({@link Credit#CASE_IPW}); both
 * live in memory only: an example read back from a {@link ReplayLog} is an episode of its own
 * ({@link #NO_EPISODE}) with propensity 1.
 *
 * <p>{@code source} and {@code confirmed} are the case's, as seen at selection time (features of layout 3), and
 * {@code weight} is how much the example counts in its mini-batch's loss: 1 for a real or validated reward,
 * {@code casebook.synthesis.policy-weight} (0.25) for a reward the experience model gave a dream.
 */
public record ReplayExample(String tenant, float[] state, UUID caseId, float[] caseVector, int uses, int successes,
        CaseLabel label, double reward, long episode, double propensity, CaseSource source, boolean confirmed,
        double weight) {

    /** The episode of an example that is not grouped with others. */
    public static final long NO_EPISODE = -1;

    public ReplayExample(String tenant, float[] state, UUID caseId, float[] caseVector, int uses, int successes,
            CaseLabel label, double reward) {
        this(tenant, state, caseId, caseVector, uses, successes, label, reward, NO_EPISODE, 1);
    }

    /** A real case's example of full weight. */
    public ReplayExample(String tenant, float[] state, UUID caseId, float[] caseVector, int uses, int successes,
            CaseLabel label, double reward, long episode, double propensity) {
        this(tenant, state, caseId, caseVector, uses, successes, label, reward, episode, propensity, CaseSource.REAL,
                false, 1);
    }

    public ReplayExample {
        Objects.requireNonNull(source, "source");
        if (!(weight > 0 && weight <= 1)) {
            throw new IllegalArgumentException("weight must be within (0, 1], was " + weight);
        }
        if (!(propensity > 0 && propensity <= 1)) {
            throw new IllegalArgumentException("propensity must be within (0, 1], was " + propensity);
        }
        if (tenant == null || tenant.isBlank()) {
            throw new IllegalArgumentException("tenant must not be blank");
        }
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(caseId, "caseId");
        Objects.requireNonNull(caseVector, "caseVector");
        Objects.requireNonNull(label, "label");
        if (state.length == 0) {
            throw new IllegalArgumentException("state must not be empty");
        }
        if (caseVector.length != state.length) {
            throw new IllegalArgumentException(
                    "case vector has dimension " + caseVector.length + " but the state has " + state.length);
        }
        if (uses < 0 || successes < 0 || successes > uses) {
            throw new IllegalArgumentException("need 0 <= successes <= uses, was " + successes + "/" + uses);
        }
        if (!(reward >= 0.0 && reward <= 1.0)) {
            throw new IllegalArgumentException("reward must be within [0, 1], was " + reward);
        }
        state = state.clone();
        caseVector = caseVector.clone();
    }

    @Override
    public float[] state() {
        return state.clone();
    }

    @Override
    public float[] caseVector() {
        return caseVector.clone();
    }

    /** The cosine similarity of this example's task with {@code other} (0 when either is zero); no copy made. */
    public double cosineTo(float[] other) {
        if (other.length != state.length) {
            throw new IllegalArgumentException("state has dimension " + other.length + " but the example's has "
                    + state.length);
        }
        return Vectors.cosine(state, other);
    }

    /** Writes this pair's {@link PairFeatures} into {@code out} at {@code offset}. */
    public void writeFeatures(float[] out, int offset) {
        PairFeatures.write(state, caseVector, uses, successes, label, source, confirmed, out, offset);
    }
}
