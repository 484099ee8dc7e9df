package dev.casebook.server.memory;

import dev.casebook.inference.InferenceRuntime;
import dev.casebook.memory.CaseStore;
import dev.casebook.memory.EmbeddingSpace;
import dev.casebook.memory.MemoryWriter;
import dev.casebook.memory.embedding.Embedder;
import dev.casebook.memory.embedding.InProcessEmbedder;
import dev.casebook.memory.insight.InsightStore;
import dev.casebook.memory.lucene.LuceneCaseStore;
import dev.casebook.memory.lucene.LuceneInsightStore;
import dev.casebook.memory.pgvector.PgVectorCaseStore;
import dev.casebook.memory.pgvector.PgVectorInsightStore;
import dev.casebook.memory.policy.CaseSelectionPolicy;
import dev.casebook.memory.policy.SimilarityPolicy;
import dev.casebook.server.agent.AgentInsights;
import dev.casebook.server.agent.AgentMemory;
import dev.casebook.server.agent.SourceGate;
import dev.casebook.server.llm.Models;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Case memory from {@link MemorySettings}: the in-process embedder (on the inference runtime's device), the store (Lucene directory or pgvector), the
 * policies, and the {@link AgentMemory} the agent and feedback use. Nothing of it exists with {@code store: none}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({MemorySettings.class, LuceneCommitSettings.class, PgVectorSettings.class,
        InsightSettings.class})
class MemoryConfiguration {
    private static final Logger log = LoggerFactory.getLogger(MemoryConfiguration.class);
    /** How long one {@code distil} call may take. */
    private static final Duration DISTIL_TIMEOUT = Duration.ofMinutes(2);

    @Bean(destroyMethod = "close")
    @Conditional(Enabled.class)
    Embedder embedder(InferenceRuntime runtime) {
        return InProcessEmbedder.open(runtime);
    }

    @Bean(destroyMethod = "close")
    @Conditional(Enabled.class)
    CaseStore caseStore(MemorySettings settings, LuceneCommitSettings commits, PgVectorSettings pgvector,
            Embedder embedder, ObjectProvider<DataSource> dataSource) {
        EmbeddingSpace space = new EmbeddingSpace(embedder.modelId(), embedder.dimension());
        CaseStore store = switch (settings.store()) {
            case "pgvector" -> PgVectorCaseStore.open(dataSource.getObject(), space, pgvector.scan());
            default -> LuceneCaseStore.open(settings.dir(), space, LuceneCaseStore.DEFAULT_MIN_CANDIDATES,
                    commits.policy());
        };
        log.info("Case memory: {} store ({}), embeddings {} (dimension {})", settings.store(),
                settings.store().equals("lucene") ? settings.dir().toAbsolutePath()
                        : "the server's database, hnsw.ef_search " + pgvector.efSearch(),
                embedder.modelId(), embedder.dimension());
        return store;
    }

    /**
     * {@code casebook.memory.lucene.refreshes}: searchers the Lucene store reopened (each opens a near-real-time
     * reader and flushes a segment); read by {@code bench task-throughput} per task. Nothing for pgvector.
     */
    @Bean
    @Conditional(Enabled.class)
    MeterBinder luceneRefreshes(CaseStore store) {
        return registry -> {
            if (store instanceof LuceneCaseStore lucene) {
                FunctionCounter.builder("casebook.memory.lucene.refreshes", lucene, LuceneCaseStore::refreshes)
                        .description("searchers the Lucene case store reopened").register(registry);
            }
        };
    }

    /** The insight store beside the case store, when {@code casebook.memory.insights.enabled}. */
    @Bean(destroyMethod = "close")
    @Conditional(InsightsEnabled.class)
    InsightStore insightStore(MemorySettings settings, InsightSettings insights, Embedder embedder,
            ObjectProvider<DataSource> dataSource) {
        EmbeddingSpace space = new EmbeddingSpace(embedder.modelId(), embedder.dimension());
        InsightStore store = settings.store().equals("pgvector")
                ? PgVectorInsightStore.open(dataSource.getObject(), space)
                : LuceneInsightStore.open(insights.dir(), space);
        log.info("Insights: shown to the planner, {} store ({}), k {}, min similarity {}", settings.store(),
                settings.store().equals("lucene") ? insights.dir().toAbsolutePath() : "table insights",
                insights.k(), insights.minSimilarity());
        return store;
    }

    /**
     * Distils a family's insight when a real case of it is rated ({@link InsightTrigger}), with the planner's model,
     * when {@code casebook.memory.insights.enabled}.
     */
    @Bean(destroyMethod = "close")
    @Conditional(InsightsEnabled.class)
    InsightTrigger insightTrigger(AgentMemory memory, InsightStore store, InsightSettings settings,
            ObjectProvider<Models> models, ObjectProvider<MeterRegistry> registry) {
        InsightDistiller.Chat chat = (system, user) -> {
            Models m = models.getIfAvailable();
            if (m == null) {
                throw new IllegalStateException("insights are distilled with the planner's model, and none is "
                        + "configured (casebook.models.planner)");
            }
            return InsightDistiller.Chat.of(m.planner(), DISTIL_TIMEOUT).reply(system, user);
        };
        log.info("Insights: distilled when a real case is rated, families of at least {} within cosine {}",
                settings.minFamilySize(), settings.familySimilarity());
        return new InsightTrigger(memory, store, new InsightDistiller(chat, settings.maxShown()),
                settings.familyRule(), registry.getIfAvailable(SimpleMeterRegistry::new));
    }

    /** Once the server is ready, the distillations its last run left pending are queued again. */
    @EventListener(ApplicationReadyEvent.class)
    void resumePendingDistillations(ApplicationReadyEvent event) {
        event.getApplicationContext().getBeanProvider(InsightTrigger.class).ifAvailable(InsightTrigger::resume);
    }

    @Bean
    @Conditional(Enabled.class)
    SimilarityPolicy similarityPolicy(CaseStore store) {
        return new SimilarityPolicy(store, SimilarityPolicy.Settings.DEFAULT);
    }

    @Bean
    @Conditional(Enabled.class)
    AgentMemory agentMemory(MemorySettings settings, Embedder embedder, CaseStore store,
            ObjectProvider<CaseSelectionPolicy> policies, ObjectProvider<SourceGate> gate, CaseBanks banks,
            ObjectProvider<InsightStore> insightStore, InsightSettings insightSettings) {
        Map<String, CaseSelectionPolicy> byName = new LinkedHashMap<>();
        policies.orderedStream().forEach(p -> byName.putIfAbsent(p.name(), p));
        if (!byName.containsKey(settings.policy())) {
            throw new IllegalStateException("casebook.memory.policy is '" + settings.policy()
                    + "', but the policies of this server are " + byName.keySet());
        }
        SourceGate sourceGate = gate.getIfAvailable(() -> SourceGate.OPEN);
        return new AgentMemory(embedder, store, byName, settings.policy(),
                new MemoryWriter(store, settings.duplicateThreshold(), banks, sourceGate.refute()),
                settings.selectableSources(), sourceGate, insightStore.stream().findFirst()
                        .map(insights -> new AgentInsights(insights, insightSettings.k(), insightSettings.minSimilarity()))
                        .orElse(null));
    }

    /** True when case memory is on and {@code casebook.memory.insights.enabled}. */
    static final class InsightsEnabled implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return new Enabled().matches(context, metadata) && Binder.get(context.getEnvironment())
                    .bind("casebook.memory.insights", InsightSettings.class).map(InsightSettings::enabled)
                    .orElse(false);
        }
    }

    /** True unless {@code casebook.memory.store} is {@code none}. */
    static final class Enabled implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return Binder.get(context.getEnvironment()).bind("casebook.memory", MemorySettings.class)
                    .map(MemorySettings::enabled).orElse(true);
        }
    }
}
