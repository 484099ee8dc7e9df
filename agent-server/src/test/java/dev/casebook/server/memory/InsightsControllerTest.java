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
import org.springframework.http.ResponseEntity;

/**
 * {@code GET /api/memory/insights}: the tenant's insights with their evidence; {@code DELETE
 * /api/memory/insights/{id}}: 204, or a problem for another tenant's or an unknown id (404) and a malformed id (400);
 * a 503 problem for both when off, except a malformed id: a 400 all the same. ({@code InsightsFlowIT} checks the
 * problem bodies over HTTP.)
 */
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
    void deletes_the_tenants_insight_which_is_then_neither_listed_nor_found() {
        StaticListableBeanFactory beans = new StaticListableBeanFactory();
        try (InsightStore store = LuceneInsightStore.open(dir, new EmbeddingSpace("test", 2))) {
            beans.addBean("insights", store);
            Insight wrong = store.save(Insight.of("acme", null, "unit conversions", "Round to 1.6.",
                    new float[] {1, 0}, 3, 1, 1, List.of()));
            Insight kept = store.save(Insight.of("acme", null, "dates", "Use ISO dates.", new float[] {0, 1}, 3, 2, 1,
                    List.of()));
            InsightsController controller = new InsightsController(beans.getBeanProvider(InsightStore.class));

            ResponseEntity<Void> deleted = controller.delete("acme", wrong.id().toString());

            assertThat(deleted.getStatusCode()).isEqualTo(HttpStatus.NO_CONTENT);
            assertThat(controller.list("acme").items()).extracting(InsightsController.InsightView::id)
                    .containsExactly(kept.id());
            assertThat(store.get("acme", wrong.id())).isEmpty();
            assertThatThrownBy(() -> controller.delete("acme", wrong.id().toString()))
                    .as("deleting it again").isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.status()).isEqualTo(HttpStatus.NOT_FOUND);
                        assertThat(e.getMessage()).isEqualTo("no insight with id '" + wrong.id()
                                + "' (GET /api/memory/insights lists this tenant's insights)");
                    });
        }
    }

    @Test
    void another_tenants_insight_is_not_found_and_stays() {
        StaticListableBeanFactory beans = new StaticListableBeanFactory();
        try (InsightStore store = LuceneInsightStore.open(dir, new EmbeddingSpace("test", 2))) {
            beans.addBean("insights", store);
            Insight theirs = store.save(Insight.of("globex", null, "", "Globex's lesson.", new float[] {0, 1}, 1, 1,
                    0, List.of()));
            InsightsController controller = new InsightsController(beans.getBeanProvider(InsightStore.class));

            assertThatThrownBy(() -> controller.delete("acme", theirs.id().toString()))
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.status()).isEqualTo(HttpStatus.NOT_FOUND);
                        assertThat(e.getMessage()).isEqualTo("no insight with id '" + theirs.id()
                                + "' (GET /api/memory/insights lists this tenant's insights)");
                    });
            assertThat(store.get("globex", theirs.id())).isPresent();
        }
    }

    @Test
    void a_malformed_id_is_a_400_that_says_what_an_id_is() {
        StaticListableBeanFactory beans = new StaticListableBeanFactory();
        try (InsightStore store = LuceneInsightStore.open(dir, new EmbeddingSpace("test", 2))) {
            beans.addBean("insights", store);
            InsightsController controller = new InsightsController(beans.getBeanProvider(InsightStore.class));

            assertThatThrownBy(() -> controller.delete("acme", "not-a-uuid"))
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.status()).isEqualTo(HttpStatus.BAD_REQUEST);
                        assertThat(e.getMessage()).isEqualTo("an insight id is a UUID (as GET /api/memory/insights"
                                + " lists them), was 'not-a-uuid'");
                    });
        }
    }

    @Test
    void listing_and_deleting_are_a_503_naming_the_setting_when_insights_are_off_and_a_malformed_id_still_a_400() {
        InsightsController controller = new InsightsController(
                new StaticListableBeanFactory().getBeanProvider(InsightStore.class));

        assertThatThrownBy(() -> controller.list("acme")).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
            assertThat(e.getMessage()).isEqualTo("insights are off on this server (casebook.memory.insights.enabled)");
        });
        assertThatThrownBy(() -> controller.delete("acme", UUID.randomUUID().toString()))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
                    assertThat(e.getMessage())
                            .isEqualTo("insights are off on this server (casebook.memory.insights.enabled)");
                });
        assertThatThrownBy(() -> controller.delete("acme", "not-a-uuid")).as("the client's mistake first")
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(HttpStatus.BAD_REQUEST);
                    assertThat(e.getMessage()).isEqualTo("an insight id is a UUID (as GET /api/memory/insights"
                            + " lists them), was 'not-a-uuid'");
                });
    }
}
