package dev.casebook.server.tasks;

import dev.casebook.server.batch.ClusterSettings;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Task settings ({@code casebook.tasks.*}). The claim settings ({@code instance-id}, {@code lease},
 * {@code renew-interval}) are bound again as {@link ClusterSettings}, which owns their defaults.
 *
 * @param maxTextChars  longest task text accepted
 * @param maxPageSize   largest page of a task listing
 * @param instanceId    names this server instance in run records (the claims it holds). Defaults to the host name;
 *                      give each replica a stable one of its own: at start-up an instance takes back the tasks it
 *                      left running under that name
 * @param maxRunning    tasks this instance runs at once (they mostly wait for the LLM: the agent benchmark runs 512
 *                      at once on two cores); more wait queued for a free slot here or on a replica
 * @param maxAttempts   times a task is started; a task whose claim ended without an outcome (its server crashed
 *                      or stopped) this often fails with reason {@code interrupted} instead of running again
 * @param lease         how long a claim holds without renewal; a task whose lease ran out is taken back to queued
 *                      by any replica (replica clocks must agree to well within it)
 * @param renewInterval how often an instance renews the leases of its tasks (below {@code lease})
 * @param pollInterval  how often an instance looks for queued tasks it has room for and for cancel requests of
 *                      its tasks
 */
@ConfigurationProperties("casebook.tasks")
public record TaskSettings(Integer maxTextChars, Integer maxPageSize, String instanceId, Integer maxRunning,
        Integer maxAttempts, Duration lease, Duration renewInterval, Duration pollInterval) {
    public TaskSettings {
        maxTextChars = maxTextChars == null ? 100_000 : maxTextChars;
        maxPageSize = maxPageSize == null ? 200 : maxPageSize;
        if (maxTextChars < 1 || maxPageSize < 1) {
            throw new IllegalArgumentException("casebook.tasks.max-text-chars and max-page-size must be positive");
        }
        instanceId = ClusterSettings.instanceIdOrDefault(instanceId);
        maxRunning = maxRunning == null ? 256 : maxRunning;
        maxAttempts = maxAttempts == null ? 3 : maxAttempts;
        if (maxRunning < 1 || maxAttempts < 1) {
            throw new IllegalArgumentException("casebook.tasks.max-running and max-attempts must be at least 1, were "
                    + maxRunning + " and " + maxAttempts);
        }
        lease = lease == null ? ClusterSettings.DEFAULT_LEASE : lease;
        renewInterval = renewInterval == null ? ClusterSettings.DEFAULT_RENEW_INTERVAL : renewInterval;
        pollInterval = pollInterval == null ? Duration.ofSeconds(1) : pollInterval;
        if (!positive(lease) || !positive(renewInterval) || !positive(pollInterval)) {
            throw new IllegalArgumentException("casebook.tasks.lease, renew-interval and poll-interval must be positive");
        }
        ClusterSettings.requireRenewalWithinLease(lease, renewInterval);
    }

    private static boolean positive(Duration d) {
        return !d.isNegative() && !d.isZero();
    }
}
