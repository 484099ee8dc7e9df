package dev.casebook.server.synthesis;

import java.util.List;
import java.util.Map;

/**
 * The body of {@code POST /api/synthesis/dreams}. Tasks come inline ({@code tasks}), from the tenant's recorded real
 * tasks ({@code seedFromRecorded}), or both.
 *
 * @param name             a label for lists (default: the number of tasks and the time)
 * @param tasks            task texts to dream
 * @param seedFromRecorded also the N most recently answered real tasks of the tenant that called tools
 * @param rolloutsPerTask  episodes per task (default 4: the curriculum needs several to see how sure the agent is)
 * @param concurrency      rollouts at once (default 4)
 * @param memoryMode       {@code off}, {@code read-only}, {@code read-write} (default: the synthetic cases are
 *                         written)
 * @param policy           case-selection policy name (default: the server's)
 * @param models           per role ({@code planner}, {@code executor}, {@code judge}, {@code experience}) a model
 *                         profile or a model name at the role's configured endpoint, as evaluation runs choose them
 * @param curriculum       rounds of task variations where the agent is least sure; none by default
 * @param maxRollouts      the job's budget of rollouts, seeds and variations together (default: the seeds' rollouts
 *                         plus what the curriculum may add)
 * @param maxTokens        the job's budget of tokens, the agent's and the experience model's together: once its finished
 *                         items have spent it, no further item starts and the job completes with the reason (items
 *                         already running finish, so it may be exceeded by up to {@code concurrency} rollouts); none
 *                         by default
 * @param seedFrom         also the tenant's real weak spots: {@code failed-real} (real tasks with a reward below 0.5)
 *                         or {@code uncertain-real} (evaluation questions whose attempts disagree)
 * @param seedLimit        how many of those at most (default 20)
 */
record DreamRequest(String name, List<String> tasks, Integer seedFromRecorded, Integer rolloutsPerTask,
        Integer concurrency, String memoryMode, String policy, Map<String, String> models, Curriculum curriculum,
        Integer maxRollouts, Long maxTokens, String seedFrom, Integer seedLimit) {

    /**
     * @param rounds     curriculum rounds, each after every rollout before it is done (default 1)
     * @param tasks      tasks varied per round: those whose success rate is nearest 0.5 (default 2)
     * @param variations variations asked for per task varied (default 3)
     * @param harder     variations a step harder than their task (default false: about as hard)
     */
    record Curriculum(Integer rounds, Integer tasks, Integer variations, Boolean harder) {
    }
}
