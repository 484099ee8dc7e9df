package dev.casebook.server.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.casebook.memory.EmbeddingSpace;
import dev.casebook.memory.insight.Insight;
import dev.casebook.memory.insight.InsightStore;
import dev.casebook.memory.lucene.LuceneInsightStore;
import dev.casebook.server.web.ApiException;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.http.HttpStatus;

/** {@code GET /api/memory/insights}: the tenant's insights with their evidence, and a 503 problem when off. */
class InsightsControllerTest {
    @TempDir
    Path dir;

    @Test
    void lists_the_tenants_insights_with_family_evidence_counts_and_case_ids() {
        StaticListableBeanFactory beans = new StaticListableBeanFactory();
        try (InsightStore store = LuceneInsightStore.open(dir, new EmbeddingSpace("test", 2))) {
            beans.addBean("insights", store);
            List<UUID> evidence = List.of(UUID.randomUUID(), UUID.randomUUID());
            Insight saved = store.save(Insight.of("acme", null, "unit conversions", "Use the exact factor.",
                    new float[] {1, 0}, 3, 1, 1, evidence));
            store.save(Insight.of("globex", null, "", "Not acme's.", new float[] {0, 1}, 1, 1, 0, List.of()));

            InsightsController.Listing listing = new InsightsController(beans.getBeanProvider(InsightStore.class))
                    .list("acme");

            assertThat(listing.items()).containsExactly(new InsightsController.InsightView(saved.id(), "default",
                    "unit conversions", "Use the exact factor.", 3, 1, 1, evidence, saved.updatedAt()));
        }
    }

    @Test
    void is_a_503_naming_the_setting_when_insights_are_off() {
        InsightsController controller = new InsightsController(
                new StaticListableBeanFactory().getBeanProvider(InsightStore.class));

        assertThatThrownBy(() -> controller.list("acme")).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
            assertThat(e.getMessage()).isEqualTo("insights are off on this server (casebook.memory.insights.enabled)");
        });
    }
}
