package dev.casebook.memory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import java.util.UUID;

/**
 * One episode remembered: the task, the plan that was tried, the answer it produced and the reward it earned.
 *
 * <p>Immutable. {@code origin} names where the case came from (a task id, or a dataset item such as
 * {@code deepresearcher:test:42}); it lets evaluation runs keep a case away from the question that wrote it.
 * {@code uses} counts how often the case was selected for a planner, {@code successes} how many of those
 * episodes were rewarded positively. {@code confirmed}: a real outcome confirmed a synthetic or sandbox case (a real
 * task that was shown it earned a rated reward of at least 0.5); an unconfirmed synthetic case is
 * {@link #provisional()}; {@code refuted}: a rated real failure refuted an unconfirmed synthetic case, which is then
 * not shown again. Its texts are {@link StorableText storable}: U+0000 and unpaired surrogates (a model's
 * reply may hold them) are U+FFFD from the start, so every store keeps and returns exactly the case it was given.
 */
public record Case(
        UUID id,
        String tenant,
        String task,
        String plan,
        String answer,
        double reward,
        CaseLabel label,
        CaseSource source,
        String origin,
        int uses,
        int successes,
        Instant createdAt,
        Instant updatedAt,
        String bank,
        boolean confirmed,
        boolean refuted) {

    /** The bank a case belongs to unless said otherwise. */
    public static final String DEFAULT_BANK = "default";

    public Case {
        Objects.requireNonNull(id, "id");
        tenant = requireText(tenant, "tenant");
        task = StorableText.of(requireText(task, "task"));
        plan = plan == null ? "" : StorableText.of(plan);
        answer = answer == null ? "" : StorableText.of(answer);
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(source, "source");
        origin = origin == null ? "" : StorableText.of(origin);
        if (Double.isNaN(reward) || reward < 0 || reward > 1) {
            throw new IllegalArgumentException("reward must be within [0, 1], was " + reward);
        }
        if (uses < 0 || successes < 0 || successes > uses) {
            throw new IllegalArgumentException(
                    "counts must satisfy 0 <= successes <= uses, were uses=" + uses + " successes=" + successes);
        }
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        bank = bank == null || bank.isBlank() ? DEFAULT_BANK : bank;
        if (refuted && (source != CaseSource.SYNTHETIC || confirmed)) {
            throw new IllegalArgumentException("only an unconfirmed synthetic case can be refuted, this one is "
                    + source.wireName() + (confirmed ? " and confirmed" : ""));
        }
    }

    /** A case that no rated real failure refuted (see {@link #refuted()}). */
    public Case(UUID id, String tenant, String task, String plan, String answer, double reward, CaseLabel label,
            CaseSource source, String origin, int uses, int successes, Instant createdAt, Instant updatedAt,
            String bank, boolean confirmed) {
        this(id, tenant, task, plan, answer, reward, label, source, origin, uses, successes, createdAt, updatedAt,
                bank, confirmed, false);
    }

    /** An unconfirmed case (see {@link #confirmed()}). */
    public Case(UUID id, String tenant, String task, String plan, String answer, double reward, CaseLabel label,
            CaseSource source, String origin, int uses, int successes, Instant createdAt, Instant updatedAt,
            String bank) {
        this(id, tenant, task, plan, answer, reward, label, source, origin, uses, successes, createdAt, updatedAt,
                bank, false);
    }

    /** A case of the {@link #DEFAULT_BANK default bank}. */
    public Case(UUID id, String tenant, String task, String plan, String answer, double reward, CaseLabel label,
            CaseSource source, String origin, int uses, int successes, Instant createdAt, Instant updatedAt) {
        this(id, tenant, task, plan, answer, reward, label, source, origin, uses, successes, createdAt, updatedAt,
                DEFAULT_BANK);
    }

    /** A fresh case with no uses, created now, labelled from its reward (positive when reward >= 0.5). */
    public static Case of(String tenant, String task, String plan, String answer, double reward, CaseSource source) {
        Instant now = Instant.now();
        return new Case(UUID.randomUUID(), tenant, task, plan, answer, reward, CaseLabel.fromReward(reward), source,
                "", 0, 0, now, now);
    }

    public Case withOrigin(String origin) {
        return new Case(id, tenant, task, plan, answer, reward, label, source, origin, uses, successes, createdAt,
                updatedAt, bank, confirmed, refuted);
    }

    public Case withLabel(CaseLabel label) {
        return new Case(id, tenant, task, plan, answer, reward, label, source, origin, uses, successes, createdAt,
                Instant.now(), bank, confirmed, refuted);
    }

    public Case withOutcome(String plan, String answer, double reward, CaseLabel label) {
        return new Case(id, tenant, task, plan, answer, reward, label, source, origin, uses, successes, createdAt,
                Instant.now(), bank, confirmed, refuted);
    }

    public Case withCounts(int uses, int successes) {
        return new Case(id, tenant, task, plan, answer, reward, label, source, origin, uses, successes, createdAt,
                Instant.now(), bank, confirmed, refuted);
    }

    /**
     * The identity of a case's content, for duplicate detection on import: the SHA-256 (hex) of the task's
     * {@link TaskKey#normalise normal form}, the plan and the answer (each stripped), separated by NUL.
     */
    public String contentKey() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((TaskKey.normalise(task) + "\u0000"
                    + plan.strip() + "\u0000" + answer.strip()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    /**
     * Whether a real outcome confirmed this case: a real task that was shown it earned a rated reward of at least 0.5
     * ({@link MemoryWriter}). Meaningful for synthetic and sandbox cases; a real case is its own evidence.
     */
    public Case withConfirmed(boolean confirmed) {
        return new Case(id, tenant, task, plan, answer, reward, label, source, origin, uses, successes, createdAt,
                Instant.now(), bank, confirmed, refuted);
    }

    /**
     * Whether a rated real failure refuted this case: a real task that was shown it while it was an unconfirmed
     * synthetic case earned a rated reward below 0.5 ({@link MemoryWriter}), or a person refuted it by hand. A refuted
     * case is not shown to tasks again and is never confirmed later, unless a person {@link CaseStore#reinstate
     * reinstates} it; only an unconfirmed synthetic case can be refuted.
     */
    public Case withRefuted(boolean refuted) {
        return new Case(id, tenant, task, plan, answer, reward, label, source, origin, uses, successes, createdAt,
                Instant.now(), bank, confirmed, refuted);
    }

    /**
     * This case as {@link CaseStore#confirm} leaves it: confirmed, unless it already is or was refuted (then this
     * case itself, unchanged).
     */
    public Case confirmedByRealOutcome() {
        return confirmed || refuted ? this : withConfirmed(true);
    }

    /**
     * This case as {@link CaseStore#refute} leaves it: refuted when it is {@link #provisional() provisional} and not
     * refuted yet, otherwise this case itself, unchanged.
     */
    public Case refutedByRealFailure() {
        return provisional() && !refuted ? withRefuted(true) : this;
    }

    /**
     * This case as {@link CaseStore#reinstate} leaves it: no longer refuted, otherwise this case itself, unchanged. A
     * reinstated case is again an unconfirmed synthetic case, so a later rated real failure refutes it again.
     */
    public Case reinstated() {
        return refuted ? withRefuted(false) : this;
    }

    /**
     * True for a synthetic (experience-model) case that no real outcome has confirmed yet: simulated practice, whose
     * similarity is discounted by the synthetic prior and which the planner sees marked as such.
     */
    public boolean provisional() {
        return source == CaseSource.SYNTHETIC && !confirmed;
    }

    public Case withBank(String bank) {
        return new Case(id, tenant, task, plan, answer, reward, label, source, origin, uses, successes, createdAt,
                updatedAt, bank, confirmed, refuted);
    }

    public Case withUpdatedAt(Instant updatedAt) {
        return new Case(id, tenant, task, plan, answer, reward, label, source, origin, uses, successes, createdAt,
                updatedAt, bank, confirmed, refuted);
    }

    private static String requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        return value;
    }
}
