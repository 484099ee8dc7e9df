package dev.casebook.server.agent;

import dev.casebook.memory.insight.Insight;
import dev.casebook.memory.policy.SelectedCase;
import java.util.List;

/**
 * The state (task embedding; null when memory is off), the cases picked for the planner, and the insights of the
 * task's family (empty when insights are off).
 */
record Selection(float[] state, List<SelectedCase> cases, List<Step.CasesSelected.Pick> picks,
        List<Insight> insights) {
    static final Selection NONE = new Selection(null, List.of(), List.of());

    Selection(float[] state, List<SelectedCase> cases, List<Step.CasesSelected.Pick> picks) {
        this(state, cases, picks, List.of());
    }

    Selection {
        cases = List.copyOf(cases);
        picks = List.copyOf(picks);
        insights = List.copyOf(insights);
    }
}
