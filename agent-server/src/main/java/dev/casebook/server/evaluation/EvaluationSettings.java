package dev.casebook.server.evaluation;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Evaluation settings ({@code casebook.evaluation.*}).
 *
 * @param judgeAttempts         judge calls per item while its reply cannot be parsed (then the item is flagged
 *                              incorrect)
 * @param maxConcurrency        the largest concurrency a run may ask for
 * @param datasetRoot           when set, dataset paths given to runs must lie under this folder
 * @param uploadDir             where uploaded datasets are kept
 * @param costPerMillionTokens  price of a million tokens, for the cost per item in reports (0: not reported)
 * @param maxItems              the most items (questions x attempts x epochs) one run may have (default 50,000)
 * @param maxTenantItems        the most items a tenant's unfinished runs may have not finished yet, a new run's
 *                              included (default 200,000)
 */
@ConfigurationProperties("casebook.evaluation")
record EvaluationSettings(Integer judgeAttempts, Integer maxConcurrency, String datasetRoot, String uploadDir,
                          Double costPerMillionTokens, Integer maxItems, Integer maxTenantItems) {
    EvaluationSettings {
        judgeAttempts = judgeAttempts == null ? 3 : judgeAttempts;
        maxConcurrency = maxConcurrency == null ? 64 : maxConcurrency;
        uploadDir = uploadDir == null || uploadDir.isBlank() ? "./data/datasets" : uploadDir;
        datasetRoot = datasetRoot == null || datasetRoot.isBlank() ? null : datasetRoot;
        costPerMillionTokens = costPerMillionTokens == null ? 0.0 : costPerMillionTokens;
        maxItems = maxItems == null ? 50_000 : maxItems;
        maxTenantItems = maxTenantItems == null ? 200_000 : maxTenantItems;
        if (maxItems < 1 || maxTenantItems < maxItems) {
            throw new IllegalArgumentException("casebook.evaluation.max-items must be at least 1 and"
                    + " casebook.evaluation.max-tenant-items at least as large, were " + maxItems + " and "
                    + maxTenantItems);
        }
        if (judgeAttempts < 1 || judgeAttempts > 10) {
            throw new IllegalArgumentException("casebook.evaluation.judge-attempts must be within [1, 10], was " + judgeAttempts);
        }
        if (maxConcurrency < 1 || maxConcurrency > 1024) {
            throw new IllegalArgumentException("casebook.evaluation.max-concurrency must be within [1, 1024], was " + maxConcurrency);
        }
        if (costPerMillionTokens < 0 || costPerMillionTokens.isNaN()) {
            throw new IllegalArgumentException("casebook.evaluation.cost-per-million-tokens must not be negative, was " + costPerMillionTokens);
        }
    }
}
