package dev.casebook.memory.policy;

/** How the planner is shown a selected case. */
public enum CaseRole {
    /** A positive case: an example to follow. */
    EXAMPLE,
    /** A negative case: a pitfall to avoid. */
    PITFALL
}
