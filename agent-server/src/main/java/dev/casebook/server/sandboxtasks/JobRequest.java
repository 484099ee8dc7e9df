package dev.casebook.server.sandboxtasks;

import java.util.List;
import java.util.Map;

/**
 * A sandbox task job as a client asks for it; null fields take their defaults.
 *
 * @param domain          what the tasks are about, e.g. {@code python data wrangling} (required)
 * @param tasks           how many tasks to generate (default 4)
 * @param rolloutsPerTask rollouts of each kept task (default 2)
 * @param concurrency     generations and rollouts at once (default 2)
 * @param tasksPerRound   tasks per curriculum round (default: 4, at most {@code tasks})
 * @param startDifficulty the first round's level, 1 to 5 (default 2)
 * @param memoryMode      {@code off}, {@code read-only} or {@code read-write} (default): whether rollouts see cases and
 *                        become cases
 * @param policy          the case-selection policy (default: the server's)
 * @param models          role to model profile or model name, as evaluation runs choose them
 * @param maxTokens       the job's token budget (generations, rollouts and their analyses together): once the
 *                        finished items have spent it no further item starts; none by default
 * @param repairAttempts  how often a task the sandbox did not keep goes back to the generator (default
 *                        {@code casebook.sandbox-tasks.repair-attempts})
 * @param dedupe          whether a task too similar to a kept task of the job is discarded as {@code duplicate}
 *                        (default true)
 * @param seedFrom        {@code failed-real} or {@code uncertain-real}: each task practises the skill of one of the
 *                        tenant's real tasks the agent failed, or whose evaluation attempts disagree
 * @param curriculum      {@code {"harder": true}}: the tasks of one seed get progressively harder
 * @param given           frozen tasks instead of generated ones (each the generator's JSON object: statement, files,
 *                        validator, reference, near_miss, difficulty): verified and rolled out, never repaired; a
 *                        held-out set run again with another memory
 */
record JobRequest(String name, String domain, Integer tasks, Integer rolloutsPerTask, Integer concurrency,
                  Integer tasksPerRound, Integer startDifficulty, String memoryMode, String policy,
                  Map<String, String> models, Long maxTokens, Integer repairAttempts, Boolean dedupe,
                  String seedFrom, Curriculum curriculum, List<Map<String, Object>> given) {

    /** Curriculum options beyond the difficulty levels. */
    record Curriculum(Boolean harder) {
    }
}
