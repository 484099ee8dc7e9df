package dev.casebook.server.tasks;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Task settings ({@code casebook.tasks.*}).
 *
 * @param maxTextChars longest task text accepted
 * @param maxPageSize  largest page of a task listing
 * @param instanceId   names this server instance in run records; at start-up, tasks this instance left queued or
 *                     running end as failed ({@code interrupted}). Defaults to the host name; give each replica a
 *                     stable one.
 */
@ConfigurationProperties("casebook.tasks")
public record TaskSettings(Integer maxTextChars, Integer maxPageSize, String instanceId) {
    public TaskSettings {
        maxTextChars = maxTextChars == null ? 100_000 : maxTextChars;
        maxPageSize = maxPageSize == null ? 200 : maxPageSize;
        if (maxTextChars < 1 || maxPageSize < 1) {
            throw new IllegalArgumentException("casebook.tasks.max-text-chars and max-page-size must be positive");
        }
        instanceId = instanceId == null || instanceId.isBlank() ? hostName() : instanceId;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "local";
        }
    }
}
