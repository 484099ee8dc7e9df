package dev.casebook.server.memory;

import dev.casebook.memory.CaseStore;
import dev.casebook.memory.embedding.Embedder;
import dev.casebook.memory.policy.learned.EmbeddedCaseVectors;
import dev.casebook.memory.policy.learned.LearnedPolicy;
import dev.casebook.memory.policy.learned.PolicySettings;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The learned policy, only when {@code casebook.memory.policy=learned} (so a server on the similarity policy never
 * loads libtorch). It loads its checkpoint at start, falls back to similarity when the checkpoint is refused, trains
 * in the background on the rewards {@link MemoryFeedback} passes to it, keeps its replay examples in the run
 * records' database ({@link JdbcReplayLog}, reloaded at start), and saves a checkpoint when the context closes.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(LearnedPolicySettings.class)
class LearnedPolicyConfiguration {

    @Bean(destroyMethod = "close")
    @Conditional(MemoryConfiguration.Enabled.class)
    @ConditionalOnProperty(name = "casebook.memory.policy", havingValue = "learned")
    LearnedPolicy learnedPolicy(LearnedPolicySettings settings, Embedder embedder, CaseStore store,
            JdbcTemplate jdbc) {
        PolicySettings policy = PolicySettings.defaults(settings.checkpointDir())
                .withCandidates(settings.candidates()).withTemperature(settings.temperature())
                .withCheckpointInterval(settings.checkpointInterval()).withExploration(settings.explorationRule());
        return LearnedPolicy.open(store, new EmbeddedCaseVectors(embedder, 10_000), embedder.modelId(), policy,
                new JdbcReplayLog(jdbc));
    }
}
