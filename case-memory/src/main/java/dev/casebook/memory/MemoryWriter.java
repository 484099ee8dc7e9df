package dev.casebook.memory;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The one door for writes to case memory. Every change to a case goes through here: an episode's case
 * ({@link #remember}), a late reward from feedback, a scorer, a validator or the experience model ({@link #rate}),
 * a case created, relabelled, refuted or reinstated by hand or deleted through the API ({@link #create},
 * {@link #relabel}, {@link #refuteByHand}, {@link #reinstate}, {@link #delete}) and
 * an import ({@link #importCases}, {@link #clearBank}). The rules, all of them here:
 * <ul>
 *   <li><b>Evidence, not overwrites.</b> Each write appends an {@link Evidence} event to the case; its reward,
 *       label, plan and answer are derived from all its events by {@link CaseEvidence#derive}, so a rated outcome
 *       is never replaced by a later unrated one.</li>
 *   <li><b>One case per task.</b> An episode merges into a near-duplicate case (same tenant, bank and source,
 *       cosine similarity at least the threshold) or becomes a new one, atomically per (tenant, task key)
 *       ({@link CaseStore#merge}).</li>
 *   <li><b>Read-only banks stay as they are.</b> No episode, reward, credit, edit, deletion or import changes a case
 *       of a read-only bank; a write aimed at one is refused with a {@link ReadOnlyBankException}, a credit or a
 *       late reward that would reach one is skipped.</li>
 *   <li><b>Credit.</b> Each case selected for an episode counts one use, and one success when the episode's reward
 *       is rated and at least 0.5; a late rated reward of at least 0.5 turns those counted uses into successes.</li>
 *   <li><b>Synthetic evidence is second-class.</b> A synthetic (dream) episode credits no case: its reward comes
 *       from the experience model that simulated it, so it never changes any case's uses or successes. A real
 *       episode whose rated reward is at least 0.5 (at once or late) {@link CaseStore#confirm confirms} the
 *       synthetic and sandbox cases it was shown; until then a synthetic case is
 *       {@link Case#provisional() provisional}. With refutation on, a real episode whose rated reward is below 0.5
 *       (at once or late) {@link CaseStore#refute refutes} the unconfirmed synthetic cases it was shown: they are not
 *       shown again. An unrated episode refutes nothing (a chat task is often never rated), nor does a synthetic or
 *       sandbox episode's own reward. A person may refute such a case by hand or reinstate a refuted one (the rating
 *       was a mistake): reinstated, it is unconfirmed again, and the next rated real failure it is shown to refutes it
 *       again. Confirmation and refutation mark a case's trust and add no evidence.</li>
 * </ul>
 * Synthetic and sandbox episodes keep their source: they merge only with cases of the same source.
 */
public final class MemoryWriter {
    private final CaseStore store;
    private final double duplicateThreshold;
    private final Banks banks;
    private final boolean refute;

    /** Which banks of a tenant are read-only (kept outside the case store). */
    @FunctionalInterface
    public interface Banks {
        boolean readOnly(String tenant, String bank);

        /** Every bank writable: for stores without a bank registry (tests, tools). */
        Banks ALL_WRITABLE = (tenant, bank) -> false;
    }

    /** A writer with refutation on. */
    public MemoryWriter(CaseStore store, double duplicateThreshold, Banks banks) {
        this(store, duplicateThreshold, banks, true);
    }

    /**
     * @param refute whether a rated real failure refutes the unconfirmed synthetic cases it was shown
     *               ({@code casebook.synthesis.refute})
     */
    public MemoryWriter(CaseStore store, double duplicateThreshold, Banks banks, boolean refute) {
        this.refute = refute;
        this.store = Objects.requireNonNull(store, "store");
        if (Double.isNaN(duplicateThreshold) || duplicateThreshold <= 0 || duplicateThreshold > 1) {
            throw new IllegalArgumentException("duplicateThreshold must be within (0, 1], was " + duplicateThreshold);
        }
        this.duplicateThreshold = duplicateThreshold;
        this.banks = Objects.requireNonNull(banks, "banks");
    }

    public CaseStore store() {
        return store;
    }

    /**
     * A finished episode.
     *
     * @param episode  what produced it (a task id, a rollout); the evidence event is named after it
     * @param rater    {@link Rater#UNRATED} when {@code reward} is provisional and a late reward may follow
     * @param bank     the (writable) bank the case goes to
     * @param selected ids of the cases the planner was shown
     */
    public record Episode(String episode, String tenant, String task, float[] embedding, String plan, String answer,
                          double reward, Rater rater, CaseSource source, String origin, String bank,
                          List<UUID> selected) {
        public Episode {
            Objects.requireNonNull(tenant, "tenant");
            Objects.requireNonNull(task, "task");
            Objects.requireNonNull(embedding, "embedding");
            Objects.requireNonNull(rater, "rater");
            Objects.requireNonNull(source, "source");
            if (Double.isNaN(reward) || reward < 0 || reward > 1) {
                throw new IllegalArgumentException("reward must be within [0, 1], was " + reward);
            }
            episode = episode == null ? "" : episode;
            bank = bank == null || bank.isBlank() ? Case.DEFAULT_BANK : bank;
            selected = List.copyOf(Objects.requireNonNullElse(selected, List.of()));
        }
    }

    /** What {@link #remember} did: the case written, whether it existed before, the selected cases credited. */
    public record Written(Case value, boolean updatedExisting, List<UUID> credited) {
    }

    /** As {@link #remember(Episode, UUID)}; a new case gets a random id. */
    public Written remember(Episode episode) {
        return remember(episode, UUID.randomUUID());
    }

    /**
     * Writes the episode as evidence of case {@code caseId} (when it exists: the episode ran before, e.g. a task run
     * again after its server stopped, and no selected case counts a use again), of a near-duplicate, or of a new
     * case with id {@code caseId}.
     *
     * @throws ReadOnlyBankException when the episode's bank is read-only
     */
    public Written remember(Episode episode, UUID caseId) {
        Objects.requireNonNull(caseId, "caseId");
        requireWritable(episode.tenant(), episode.bank(), "writing an episode");
        Instant now = Instant.now();
        Case fresh = new Case(caseId, episode.tenant(), episode.task(), episode.plan(), episode.answer(),
                episode.reward(), CaseLabel.fromReward(episode.reward()), episode.source(), episode.origin(), 0, 0,
                now, now, episode.bank());
        Evidence event = new Evidence(episode.episode(), EvidenceSource.of(episode.source()), episode.reward(),
                episode.rater(), episode.plan(), episode.answer(), now);
        CaseFilter candidates = CaseFilter.tenant(episode.tenant()).withSources(Set.of(episode.source()))
                .withBanks(Set.of(episode.bank()));
        CaseStore.Merged merged = store.merge(new CaseStore.Merge(fresh, episode.embedding(), event, candidates,
                duplicateThreshold, CaseEvidence::derive));
        // case caseId existed: the episode was written before and its selected cases counted their use then
        boolean again = merged.existed() && merged.value().id().equals(caseId);
        boolean success = episode.rater().rated() && episode.reward() >= 0.5;
        boolean credits = !again && episode.source() != CaseSource.SYNTHETIC;
        boolean confirms = success && episode.source() == CaseSource.REAL;
        boolean refutes = refutes(episode.rater(), episode.reward(), episode.source());
        // the episode's bank was found writable above, a merge ago: the shown cases of that bank need no question
        List<Case> shown = credits || confirms || refutes ? writable(episode.tenant(), episode.selected(),
                Map.of(episode.bank(), false)) : List.of();
        List<UUID> credited = credits ? credit(episode.tenant(), shown, success, true) : List.of();
        if (confirms) {
            confirm(episode.tenant(), shown);
        }
        if (refutes) {
            refute(episode.tenant(), shown);
        }
        return new Written(merged.value(), merged.existed(), credited);
    }

    /** As {@link #rate(String, UUID, String, double, Rater, List, CaseSource)} for a real episode. */
    public List<UUID> rate(String tenant, UUID caseId, String episode, double reward, Rater rater,
                           List<UUID> selected) {
        return rate(tenant, caseId, episode, reward, rater, selected, CaseSource.REAL);
    }

    /**
     * One rollout of a group of rollouts of one synthetic task, written when the group is decided (issue 15): as
     * {@link #remember(Episode, UUID)}, but only a case labelled {@code side} may absorb it, so a task's positive case
     * (the plan that passed) and its negative case (the lesson) stay two cases. The selected cases are credited unless
     * this episode had already reached the case (the group decided again after a restart), so each rollout counts
     * its uses once, whichever of the group's cases holds it.
     *
     * @throws ReadOnlyBankException when the episode's bank is read-only
     */
    public Written rememberAs(CaseLabel side, Episode episode, UUID caseId) {
        Objects.requireNonNull(side, "side");
        Objects.requireNonNull(caseId, "caseId");
        requireWritable(episode.tenant(), episode.bank(), "writing an episode");
        Instant now = Instant.now();
        Case fresh = new Case(caseId, episode.tenant(), episode.task(), episode.plan(), episode.answer(),
                episode.reward(), side, episode.source(), episode.origin(), 0, 0, now, now, episode.bank());
        Evidence event = new Evidence(episode.episode(), EvidenceSource.of(episode.source()), episode.reward(),
                episode.rater(), episode.plan(), episode.answer(), now);
        CaseFilter candidates = CaseFilter.tenant(episode.tenant()).withSources(Set.of(episode.source()))
                .withBanks(Set.of(episode.bank())).withLabels(Set.of(side));
        CaseStore.Merged merged = store.merge(new CaseStore.Merge(fresh, episode.embedding(), event, candidates,
                duplicateThreshold, CaseEvidence::derive));
        boolean again = !episode.episode().isEmpty() && store.history(episode.tenant(), merged.value().id()).stream()
                .filter(e -> e.episode().equals(episode.episode())).count() > 1;
        List<UUID> credited = again ? List.of()
                : credit(episode.tenant(), writable(episode.tenant(), episode.selected()),
                        episode.rater().rated() && episode.reward() >= 0.5, true);
        return new Written(merged.value(), merged.existed(), credited);
    }

    /**
     * A reward that arrived after the episode was written: one more event for the episode's case ({@code caseId},
     * null when none was written), and the selected cases' counted uses become successes when the reward is rated
     * and at least 0.5 (never for a synthetic episode, which counted no use); a real episode's such reward also
     * confirms the synthetic and sandbox cases it was shown, and its rated reward below 0.5 refutes the unconfirmed
     * synthetic ones (with refutation on). The caller applies it at most once per (episode,
     * rater). Returns the credited ids.
     *
     * @param source where the episode ran: a dream ({@link CaseSource#SYNTHETIC}), a sandbox or the real world
     */
    public List<UUID> rate(String tenant, UUID caseId, String episode, double reward, Rater rater,
                           List<UUID> selected, CaseSource source) {
        Objects.requireNonNull(source, "source");
        if (Double.isNaN(reward) || reward < 0 || reward > 1) {
            throw new IllegalArgumentException("reward must be within [0, 1], was " + reward);
        }
        if (caseId != null) {
            store.get(tenant, caseId).filter(c -> !banks.readOnly(tenant, c.bank())).ifPresent(c -> store.addEvidence(
                    tenant, c.id(), new Evidence(episode, EvidenceSource.of(c.source()), reward, rater,
                            c.plan(), c.answer(), Instant.now()), CaseEvidence::derive));
        }
        if (refutes(rater, reward, source)) {
            refute(tenant, writable(tenant, selected));
        }
        if (!rater.rated() || reward < 0.5 || source == CaseSource.SYNTHETIC) {
            return List.of();
        }
        List<Case> shown = writable(tenant, selected);
        if (source == CaseSource.REAL) {
            confirm(tenant, shown);
        }
        return credit(tenant, shown, true, false);
    }

    /**
     * The selected cases that exist for the tenant and are not of a read-only bank, as read now (one read of the
     * store for all of them, one question per bank), in the order of {@code selected}; an id selected twice appears
     * twice.
     */
    private List<Case> writable(String tenant, List<UUID> selected) {
        return writable(tenant, selected, Map.of());
    }

    /** As {@link #writable(String, List)}, the banks in {@code known} not asked about again. */
    private List<Case> writable(String tenant, List<UUID> selected, Map<String, Boolean> known) {
        if (selected.isEmpty()) {
            return List.of();
        }
        Map<String, Boolean> readOnly = new HashMap<>(known);
        Map<UUID, Case> read = new HashMap<>();
        for (Case c : store.getAll(tenant, selected)) {
            if (!readOnly.computeIfAbsent(c.bank(), bank -> banks.readOnly(tenant, bank))) {
                read.put(c.id(), c);
            }
        }
        return selected.stream().map(read::get).filter(Objects::nonNull).toList();
    }

    /**
     * Confirms the shown synthetic and sandbox cases that were neither confirmed nor refuted when read (confirming is
     * idempotent, so a case confirmed since is confirmed again harmlessly; the store leaves a case refuted since as it
     * is).
     */
    private void confirm(String tenant, List<Case> shown) {
        shown.stream().filter(c -> c.source() != CaseSource.REAL && !c.confirmed() && !c.refuted()).map(Case::id)
                .distinct().forEach(id -> store.confirm(tenant, id));
    }

    /** Whether an episode's reward refutes the cases it was shown: a rated real failure, with refutation on. */
    private boolean refutes(Rater rater, double reward, CaseSource source) {
        return refute && rater.rated() && reward < 0.5 && source == CaseSource.REAL;
    }

    /**
     * Refutes the shown synthetic cases that were unconfirmed and unrefuted when read (the store leaves a case
     * confirmed since as it is).
     */
    private void refute(String tenant, List<Case> shown) {
        shown.stream().filter(c -> c.provisional() && !c.refuted()).map(Case::id).distinct()
                .forEach(id -> store.refute(tenant, id));
    }

    /**
     * A case written by hand (API, UI): stored as given, with one event of the person's reward
     * ({@link Rater#FEEDBACK}).
     */
    public Case create(Case value, float[] embedding) {
        requireWritable(value.tenant(), value.bank(), "adding a case");
        return store.add(value, embedding, List.of(new Evidence("edit", EvidenceSource.of(value.source()),
                value.reward(), Rater.FEEDBACK, value.plan(), value.answer(), value.updatedAt())));
    }

    /**
     * A person's relabelling: feedback with reward 1 (positive) or 0 (negative) for the episode {@code edit}, so the
     * latest edit replaces an earlier one and outranks every other rater. Empty when the case does not exist.
     */
    public Optional<Case> relabel(String tenant, UUID id, CaseLabel label) {
        Optional<Case> current = store.get(tenant, id);
        if (current.isEmpty()) {
            return Optional.empty();
        }
        Case c = current.get();
        requireWritable(tenant, c.bank(), "relabelling case " + id);
        double reward = label == CaseLabel.POSITIVE ? 1 : 0;
        return store.addEvidence(tenant, id, new Evidence("edit", EvidenceSource.of(c.source()), reward,
                Rater.FEEDBACK, c.plan(), c.answer(), Instant.now()), CaseEvidence::derive);
    }

    /**
     * A person's refutation: the case is refuted as a rated real failure would refute it ({@link CaseStore#refute});
     * a case that is not an unconfirmed synthetic one comes back unchanged, not refuted. Empty when the case does not
     * exist. Like every refutation it adds no evidence: refuted is a mark of trust beside the outcome, not an outcome.
     */
    public Optional<Case> refuteByHand(String tenant, UUID id) {
        return writableCase(tenant, id, "refuting case " + id).flatMap(c -> store.refute(tenant, id));
    }

    /**
     * A person's reinstatement of a refuted case whose refuting rating was a mistake ({@link CaseStore#reinstate}):
     * it is shown to tasks again, still unconfirmed synthetic, so the next rated real failure it is shown to refutes
     * it again. A case that is not refuted comes back unchanged. Empty when the case does not exist; no evidence
     * is added (see {@link #refuteByHand}).
     */
    public Optional<Case> reinstate(String tenant, UUID id) {
        return writableCase(tenant, id, "reinstating case " + id).flatMap(c -> store.reinstate(tenant, id));
    }

    /** The case, when it exists; a {@link ReadOnlyBankException} when its bank is read-only. */
    private Optional<Case> writableCase(String tenant, UUID id, String action) {
        Optional<Case> current = store.get(tenant, id);
        current.ifPresent(c -> requireWritable(tenant, c.bank(), action));
        return current;
    }

    /** Deletes a case and its evidence; false when it did not exist. */
    public boolean delete(String tenant, UUID id) {
        Optional<Case> current = store.get(tenant, id);
        if (current.isEmpty()) {
            return false;
        }
        requireWritable(tenant, current.get().bank(), "deleting case " + id);
        return store.delete(tenant, id);
    }

    /**
     * Stores imported cases, each with its evidence, in one batch ({@link CaseStore#addAll}).
     *
     * @throws ReadOnlyBankException when a case's bank is read-only; nothing was stored
     */
    public List<Case> importCases(String tenant, List<Case> cases, List<float[]> vectors,
                                  List<List<Evidence>> evidence) {
        cases.stream().map(Case::bank).distinct().forEach(bank -> requireWritable(tenant, bank, "importing"));
        return store.addAll(cases, vectors, evidence);
    }

    /**
     * Deletes every case of a bank (an import with {@code mode=replace-bank}); returns how many.
     *
     * @throws ReadOnlyBankException when the bank is read-only
     */
    public int clearBank(String tenant, String bank) {
        requireWritable(tenant, bank, "replacing the bank's cases");
        CaseFilter filter = CaseFilter.tenant(tenant).withBanks(Set.of(bank));
        int deleted = 0;
        for (CasePage page = store.list(filter, 0, 500); !page.items().isEmpty(); page = store.list(filter, 0, 500)) {
            for (Case c : page.items()) {
                if (store.delete(tenant, c.id())) {
                    deleted++;
                }
            }
        }
        return deleted;
    }

    /**
     * Counts a use (and a success) on each shown case, or only a success ({@code use} false: a late reward for uses
     * already counted), in one write of the store ({@link CaseStore#adjustCounts(String, List, int, int)}); returns
     * the ids of the cases credited (a case deleted since it was read is not).
     */
    private List<UUID> credit(String tenant, List<Case> shown, boolean success, boolean use) {
        if (shown.isEmpty() || (!use && !success)) {
            return List.of();
        }
        List<UUID> ids = shown.stream().map(Case::id).toList();
        Set<UUID> written = new HashSet<>();
        store.adjustCounts(tenant, ids, use ? 1 : 0, success ? 1 : 0).forEach(c -> written.add(c.id()));
        return ids.stream().filter(written::contains).toList();
    }

    /** Refuses a write {@code what} aimed at a read-only bank with a {@link ReadOnlyBankException}. */
    public void requireWritable(String tenant, String bank, String what) {
        if (banks.readOnly(tenant, bank)) {
            throw new ReadOnlyBankException(tenant, bank, what);
        }
    }
}
