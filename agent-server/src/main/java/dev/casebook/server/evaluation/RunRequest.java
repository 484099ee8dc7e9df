package dev.casebook.server.evaluation;

import java.util.List;
import java.util.Map;

/**
 * The body of {@code POST /api/evaluations/runs}. Only {@code dataset} is required.
 *
 * @param name            a label for lists and comparisons (default: dataset name and time)
 * @param dataset         a server path to a dataset file or GAIA folder, or {@code upload:<id>} from
 *                        {@code POST /api/evaluations/datasets}
 * @param format          the dataset format when it should not be detected ({@code gaia}, {@code verl}, {@code memento},
 *                        {@code simpleqa}, {@code frames}, {@code generic})
 * @param split           GAIA split ({@code validation} default, or {@code test})
 * @param groups          keep only these groups (GAIA levels as {@code level 1}, data sources, topics)
 * @param limit           the first N questions (after the group filter)
 * @param sample          N questions drawn at random with {@code seed} (instead of {@code limit})
 * @param seed            seed of the sample (default 0)
 * @param attempts        attempts per question, k of pass@k (default 1)
 * @param concurrency     questions run at once (default 4)
 * @param memoryMode      {@code off}, {@code read-only}, {@code read-write} (default {@code off})
 * @param policy          case-selection policy name (default: the server's)
 * @param scorers         scorer names; the first decides correctness (default by format)
 * @param epochs          times the question set is replayed with memory carried over (default 1)
 * @param leaveOneTaskOut the guard that a question never sees cases written from itself (default true)
 * @param models          per role ({@code planner}, {@code executor}, {@code judge}) a model profile of
 *                        {@code casebook.models.profiles} or a model name at the role's configured endpoint; roles left
 *                        out use the server's ({@link dev.casebook.server.llm.RunModels})
 * @param maxTokens       the run's token budget: once its finished items have spent it, no further item starts and
 *                        the run completes with the reason (items already running finish); none by default
 * @param bank            the case bank a read-write run writes its episodes to (default: {@code run-<run id>}); never
 *                        a read-only bank
 * @param banks           the banks cases are selected from (default: every bank of the tenant)
 */
record RunRequest(String name, String dataset, String format, String split, List<String> groups, Integer limit,
                  Integer sample, Long seed, Integer attempts, Integer concurrency, String memoryMode, String policy,
                  List<String> scorers, Integer epochs, Boolean leaveOneTaskOut, Map<String, String> models,
                  Long maxTokens, String bank, List<String> banks) {
}
