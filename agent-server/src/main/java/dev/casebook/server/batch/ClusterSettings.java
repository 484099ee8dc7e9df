package dev.casebook.server.batch;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How this instance takes part in the cluster of replicas that share the batch runs: its name and its leases. Bound
 * from the task queue's properties ({@code casebook.tasks.instance-id}, {@code lease}, {@code renew-interval}, with
 * the same defaults as {@code TaskSettings}), so that one setting governs the claims of tasks and of batch items.
 *
 * @param instanceId    names this instance in the claims it holds; defaults to the host name. Started again under
 *                      the same id, an instance gives back at once the claims it left behind
 * @param lease         how long a claim holds without renewal; an item whose lease ran out runs again elsewhere
 * @param renewInterval how often this instance renews its leases (below {@code lease})
 */
@ConfigurationProperties("casebook.tasks")
public record ClusterSettings(String instanceId, Duration lease, Duration renewInterval) {
    /** Default of {@code casebook.tasks.lease}. */
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(60);
    /** Default of {@code casebook.tasks.renew-interval}. */
    public static final Duration DEFAULT_RENEW_INTERVAL = Duration.ofSeconds(10);

    public ClusterSettings {
        instanceId = instanceIdOrDefault(instanceId);
        lease = lease == null ? DEFAULT_LEASE : lease;
        renewInterval = renewInterval == null ? DEFAULT_RENEW_INTERVAL : renewInterval;
        if (!positive(lease) || !positive(renewInterval)) {
            throw new IllegalArgumentException("casebook.tasks.lease and renew-interval must be positive, were "
                    + lease + " and " + renewInterval);
        }
        requireRenewalWithinLease(lease, renewInterval);
    }

    /** Refuses a renew interval not shorter than the lease: leases would run out while renewed. */
    public static void requireRenewalWithinLease(Duration lease, Duration renewInterval) {
        if (renewInterval.compareTo(lease) >= 0) {
            throw new IllegalArgumentException("casebook.tasks.renew-interval (" + renewInterval
                    + ") must be shorter than casebook.tasks.lease (" + lease + "), or leases run out while renewed");
        }
    }

    private static boolean positive(Duration d) {
        return !d.isNegative() && !d.isZero();
    }

    /** The given instance id, or (null or blank) the default of {@code casebook.tasks.instance-id}: the host name. */
    public static String instanceIdOrDefault(String instanceId) {
        return instanceId == null || instanceId.isBlank() ? hostName() : instanceId;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "local";
        }
    }
}
