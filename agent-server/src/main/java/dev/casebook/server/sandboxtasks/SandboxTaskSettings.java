package dev.casebook.server.sandboxtasks;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Sandbox task jobs ({@code casebook.sandbox-tasks.*}); the sandbox's own limits are {@code casebook.tools.code.*}.
 *
 * @param maxTasks           the most tasks a job may generate
 * @param maxRollouts        the most rollouts a job may run per task
 * @param maxConcurrency     the largest concurrency a job may ask for
 * @param generationAttempts generator replies per task while they are not a valid task
 * @param validatorTime      the wall time a validator may take (each run)
 * @param referenceTime      the wall time a reference solution may take
 * @param rolloutTime        the wall-time budget of a rollout's agent episode
 * @param callTimeout        how long a {@code generate-task} or {@code failure-analysis} call may take, retries included
 * @param maxTraceChars      the most characters of a failed rollout's trace the failure analysis is shown
 * @param maxItems           the most items one job may run, every kind counted: tasks x (1 generation + rollouts per
 *                           task + 1 group); a slot's repairs run inside its generation item
 * @param maxTenantItems     the most items a tenant's unfinished jobs may still run (their unfinished items, and the
 *                           rollouts and group item each unfinished generation may add), a new job's included
 * @param repairAttempts     how many times a task the sandbox did not keep goes back to the generator with the
 *                           programs' output (a job may ask for another number)
 * @param duplicateThreshold cosine similarity from which a generated task repeats a kept task of its job
 * @param contaminationThreshold cosine similarity from which a generated task resembles an evaluation item of the
 *                           tenant
 */
@ConfigurationProperties("casebook.sandbox-tasks")
record SandboxTaskSettings(Integer maxTasks, Integer maxRollouts, Integer maxConcurrency, Integer generationAttempts,
                           Duration validatorTime, Duration referenceTime, Duration rolloutTime, Duration callTimeout,
                           Integer maxTraceChars, Integer maxItems, Integer maxTenantItems,
                           Integer repairAttempts, Double duplicateThreshold, Double contaminationThreshold) {
    SandboxTaskSettings {
        maxTasks = within("max-tasks", maxTasks, 200, 1, 100_000);
        maxRollouts = within("max-rollouts", maxRollouts, 20, 1, 1_000);
        maxConcurrency = within("max-concurrency", maxConcurrency, 16, 1, 1_024);
        generationAttempts = within("generation-attempts", generationAttempts, 3, 1, 10);
        validatorTime = positive("validator-time", validatorTime, Duration.ofSeconds(20));
        referenceTime = positive("reference-time", referenceTime, Duration.ofSeconds(60));
        rolloutTime = positive("rollout-time", rolloutTime, Duration.ofMinutes(10));
        callTimeout = positive("call-timeout", callTimeout, Duration.ofMinutes(5));
        maxTraceChars = within("max-trace-chars", maxTraceChars, 12_000, 500, 1_000_000);
        maxItems = within("max-items", maxItems, 5_000, 1, 100_000_000);
        maxTenantItems = within("max-tenant-items", maxTenantItems, Math.max(20_000, maxItems), maxItems,
                Integer.MAX_VALUE);
        repairAttempts = within("repair-attempts", repairAttempts, 2, 0, 10);
        duplicateThreshold = similarity("duplicate-threshold", duplicateThreshold);
        contaminationThreshold = similarity("contamination-threshold", contaminationThreshold);
    }

    private static double similarity(String key, Double value) {
        double v = value == null ? 0.9 : value;
        if (!(v >= 0.5 && v <= 1.0)) {
            throw new IllegalArgumentException("casebook.sandbox-tasks." + key + " must be within [0.5, 1.0], was " + v);
        }
        return v;
    }

    private static int within(String key, Integer value, int fallback, int min, int max) {
        int v = value == null ? fallback : value;
        if (v < min || v > max) {
            throw new IllegalArgumentException("casebook.sandbox-tasks." + key + " must be within [" + min + ", " + max
                    + "], was " + v);
        }
        return v;
    }

    private static Duration positive(String key, Duration value, Duration fallback) {
        Duration d = value == null ? fallback : value;
        if (d.toMillis() < 100) {
            throw new IllegalArgumentException("casebook.sandbox-tasks." + key + " must be at least 100 ms, was " + d);
        }
        return d;
    }
}
