package dev.casebook.server.agent;

import dev.casebook.memory.MemoryMode;
import dev.casebook.memory.CaseFilter;
import dev.casebook.memory.insight.Insight;
import dev.casebook.memory.insight.ScoredInsight;
import dev.casebook.memory.policy.CaseRole;
import dev.casebook.memory.policy.CaseSelectionPolicy;
import dev.casebook.memory.policy.SelectedCase;
import dev.casebook.memory.policy.SelectionRequest;
import java.util.List;
import java.util.Locale;

/** Embeds the task (the M-MDP state) and lets the policy pick K cases for the planner (the action). */
final class CaseSelectionStep {
    private final AgentMemory memory;
    private final int k;

    CaseSelectionStep(AgentMemory memory, int k) {
        this.memory = memory;
        this.k = k;
    }

    Selection select(Run run) {
        TaskSpec spec = run.spec();
        if (memory == null || spec.memoryMode() == MemoryMode.OFF) {
            return Selection.NONE;
        }
        long started = System.nanoTime();
        float[] state = memory.embedder().embed(spec.text());
        String name = spec.policy() == null || spec.policy().isBlank() ? memory.defaultPolicy() : spec.policy();
        CaseSelectionPolicy policy = memory.policies().get(name);
        if (policy == null) {
            throw new Stop(StopReason.UNKNOWN_POLICY, "no case-selection policy named '" + name + "'; known: "
                    + memory.policies().keySet());
        }
        CaseFilter filter = CaseFilter.tenant(spec.tenant()).withSources(memory.selectable(spec.tenant()))
                .withExcludedOrigins(spec.excludeOrigins()).withExcludedTasks(spec.excludeTasks())
                .withBanks(spec.banks().read());
        List<SelectedCase> cases = k == 0 ? List.of() : policy.select(new SelectionRequest(spec.text(), state, filter, k,
                memory.syntheticPrior(), memory.maxProvisional()));
        List<Step.CasesSelected.Pick> picks = cases.stream().map(CaseSelectionStep::pick).toList();
        List<ScoredInsight> insights = memory.insights() == null ? List.of()
                : memory.insights().findScored(spec.tenant(), spec.banks().read(), state);
        run.emit(new Step.CasesSelected(policy.name(), picks, (System.nanoTime() - started) / 1_000_000,
                insights.stream().map(CaseSelectionStep::shown).toList()));
        return new Selection(state, cases, picks, insights.stream().map(ScoredInsight::value).toList());
    }

    private static Step.CasesSelected.ShownInsight shown(ScoredInsight s) {
        Insight i = s.value();
        return new Step.CasesSelected.ShownInsight(i.id(), s.score(), i.family(), i.text(), i.successes(),
                i.failures());
    }

    private static Step.CasesSelected.Pick pick(SelectedCase s) {
        return new Step.CasesSelected.Pick(s.value().id(), s.score(), s.role().name().toLowerCase(Locale.ROOT),
                s.value().task(), s.value().label().wireName(), s.value().uses(), s.value().successes(),
                s.value().source().wireName(), s.value().confirmed(), s.value().refuted());
    }

    /**
     * Marks a case the planner is shown that comes from a dream no real outcome has confirmed yet
     * ({@link dev.casebook.memory.Case#provisional()}).
     */
    static final String SIMULATED = " (simulated practice)";
    private static final String SIMULATED_NOTE = "Cases marked (simulated practice) were rehearsed against a"
            + " simulation and no real task has confirmed them yet: weigh them below the others.\n";

    /**
     * The selected cases as the planner sees them: examples to follow, then pitfalls to avoid; an unconfirmed
     * synthetic case's task is followed by {@value #SIMULATED}.
     */
    static String describe(List<SelectedCase> cases) {
        StringBuilder examples = new StringBuilder();
        StringBuilder pitfalls = new StringBuilder();
        int n = 0;
        for (SelectedCase s : cases) {
            StringBuilder target = s.role() == CaseRole.EXAMPLE ? examples : pitfalls;
            target.append(CASE.formatted(++n, s.value().task(), s.value().provisional() ? SIMULATED : "",
                    s.value().plan(), s.value().answer(), s.value().reward()));
        }
        StringBuilder out = new StringBuilder();
        if (!examples.isEmpty()) {
            out.append("Examples to follow: past tasks like this one that went well.\n").append(examples);
        }
        if (!pitfalls.isEmpty()) {
            out.append("Pitfalls to avoid: past tasks like this one that went badly; do not repeat them.\n")
                    .append(pitfalls);
        }
        if (cases.stream().anyMatch(s -> s.value().provisional())) {
            out.append(SIMULATED_NOTE);
        }
        return out.toString();
    }

    private static final String CASE = """
            [%d] Task: %s%s
                Plan: %s
                Answer: %s
                Reward: %.2f
            """;
}
