package dev.casebook.server.agent;

/** Receives a task's steps in order, on the thread running the task. Must not throw. */
@FunctionalInterface
public interface StepListener {
    void on(Step step);
}
