package dev.casebook.server.memory;

import dev.casebook.memory.insight.Insight;
import dev.casebook.memory.insight.InsightStore;
import dev.casebook.server.security.CurrentTenant;
import dev.casebook.server.web.ApiException;
import io.swagger.v3.oas.annotations.Operation;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The distilled insights of the caller's tenant: listed, and deleted by an operator when a lesson is wrong; a 503
 * problem when insights are off.
 */
@RestController
@RequestMapping("/api/memory/insights")
class InsightsController {
    private final ObjectProvider<InsightStore> store;

    InsightsController(ObjectProvider<InsightStore> store) {
        this.store = store;
    }

    /** An insight as the API shows it: the lesson, its family and its evidence. */
    record InsightView(UUID id, String bank, String family, String text, int members, int successes, int failures,
            List<UUID> caseIds, Instant updatedAt) {
        static InsightView of(Insight i) {
            return new InsightView(i.id(), i.bank(), i.family(), i.text(), i.members(), i.successes(), i.failures(),
                    i.evidence(), i.updatedAt());
        }
    }

    record Listing(List<InsightView> items) {
    }

    @GetMapping
    @Operation(summary = "The tenant's distilled insights", description = "newest first: each lesson with its "
            + "family, how many cases its family centroid averages, how many successful and failed cases it was "
            + "distilled from and their ids; 503 when casebook.memory.insights.enabled is off")
    Listing list(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant) {
        return new Listing(insights().list(tenant).stream().map(InsightView::of).toList());
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Delete a distilled insight", description = "removes a wrong lesson at once: the next "
            + "task of its family is no longer shown it (a later rating of the family distils a new one); 404 for "
            + "an id the tenant has no insight with, 400 for an id that is not a UUID (also when "
            + "insights are off), 503 when casebook.memory.insights.enabled is off")
    ResponseEntity<Void> delete(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant, @PathVariable String id) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) { // the client's mistake, whether insights are on or off
            throw ApiException.badRequest("an insight id is a UUID (as GET /api/memory/insights lists them), was '"
                    + id + "'");
        }
        if (!insights().delete(tenant, uuid)) {
            throw new ApiException(HttpStatus.NOT_FOUND, "no insight with id '" + id
                    + "' (GET /api/memory/insights lists this tenant's insights)");
        }
        return ResponseEntity.noContent().build();
    }

    private InsightStore insights() {
        InsightStore insights = store.getIfAvailable();
        if (insights == null) {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE,
                    "insights are off on this server (casebook.memory.insights.enabled)");
        }
        return insights;
    }
}
