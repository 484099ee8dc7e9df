package dev.casebook.memory.insight;

import java.util.Objects;
import java.util.UUID;

/** A rated case whose family waits for a distillation, kept by the {@link InsightStore} across restarts. */
public record PendingDistillation(String tenant, UUID caseId) {

    public PendingDistillation {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(caseId, "caseId");
    }
}
