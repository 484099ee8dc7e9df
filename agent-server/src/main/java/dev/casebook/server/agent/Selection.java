package dev.casebook.server.agent;

import dev.casebook.memory.policy.SelectedCase;
import java.util.List;

/** The state (task embedding; null when memory is off) and the cases picked for the planner. */
record Selection(float[] state, List<SelectedCase> cases, List<Step.CasesSelected.Pick> picks) {
    static final Selection NONE = new Selection(null, List.of(), List.of());

    Selection {
        cases = List.copyOf(cases);
        picks = List.copyOf(picks);
    }
}
