package dev.casebook.server.agent;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How the agent works, bound from {@code casebook.agent.*}.
 *
 * @param cases              K, the number of past cases the planner sees (default 4)
 * @param planRetries        extra attempts when the planner's reply is not a valid JSON plan (default 2)
 * @param maxSubtasks        subtasks of one plan beyond this are dropped (default 8)
 * @param maxToolResultChars a tool result longer than this is truncated, with a note, before the model sees it
 * @param toolTimeout        time one tool call may take (default 60 s; never beyond the task's wall time)
 * @param unratedReward      the reward a case written from an answered, not yet rated episode gets (default 0.5)
 */
@ConfigurationProperties("casebook.agent")
public record AgentSettings(Integer cases, Integer planRetries, Integer maxSubtasks, Integer maxToolResultChars,
        Duration toolTimeout, Double unratedReward) {
    public static final AgentSettings DEFAULT = new AgentSettings(null, null, null, null, null, null);

    public AgentSettings {
        cases = within("cases", cases, 4, 0, 64);
        planRetries = within("plan-retries", planRetries, 2, 0, 10);
        maxSubtasks = within("max-subtasks", maxSubtasks, 8, 1, 50);
        maxToolResultChars = within("max-tool-result-chars", maxToolResultChars, 8000, 200, 1_000_000);
        toolTimeout = toolTimeout == null ? Duration.ofSeconds(60) : toolTimeout;
        if (toolTimeout.isNegative() || toolTimeout.isZero()) {
            throw new IllegalArgumentException("casebook.agent.tool-timeout must be positive, was " + toolTimeout);
        }
        unratedReward = unratedReward == null ? 0.5 : unratedReward;
        if (unratedReward.isNaN() || unratedReward < 0 || unratedReward > 1) {
            throw new IllegalArgumentException(
                    "casebook.agent.unrated-reward must be within [0, 1], was " + unratedReward);
        }
    }

    private static int within(String key, Integer value, int fallback, int min, int max) {
        int v = value == null ? fallback : value;
        if (v < min || v > max) {
            throw new IllegalArgumentException(
                    "casebook.agent." + key + " must be within [" + min + ", " + max + "], was " + v);
        }
        return v;
    }
}
