package dev.casebook.server.agent;

import java.util.List;

/** What the planner decided: carry out these subtasks, or answer. */
sealed interface PlannerDecision {

    /** The planner's reply, normalised to JSON. */
    String json();

    record Subtasks(List<String> subtasks, String json) implements PlannerDecision {
        public Subtasks {
            subtasks = List.copyOf(subtasks);
        }
    }

    record Answer(String text, String json) implements PlannerDecision {
    }
}
