package dev.casebook.memory;

import java.util.Objects;
import java.util.Set;

/**
 * Which cases a read may see. The tenant is mandatory: no read crosses tenants.
 *
 * @param tenant         the only tenant whose cases are visible
 * @param sources        visible sources; empty means all
 * @param labels         visible labels; empty means both
 * @param excludeOrigins cases whose origin is in this set are invisible (leave-one-task-out in evaluations)
 * @param excludeTasks   cases whose task text has one of these {@link TaskKey keys} are invisible, whatever their
 *                       origin (leave-one-task-out: identical text written by a normal task, imported, another dataset)
 * @param banks          visible banks; empty means all banks of the tenant
 */
public record CaseFilter(String tenant, Set<CaseSource> sources, Set<CaseLabel> labels, Set<String> excludeOrigins,
                         Set<TaskKey> excludeTasks, Set<String> banks) {

    public CaseFilter {
        if (tenant == null || tenant.isBlank()) {
            throw new IllegalArgumentException("tenant must not be blank");
        }
        sources = Set.copyOf(Objects.requireNonNullElse(sources, Set.of()));
        labels = Set.copyOf(Objects.requireNonNullElse(labels, Set.of()));
        excludeOrigins = Set.copyOf(Objects.requireNonNullElse(excludeOrigins, Set.of()));
        excludeTasks = Set.copyOf(Objects.requireNonNullElse(excludeTasks, Set.of()));
        banks = Set.copyOf(Objects.requireNonNullElse(banks, Set.of()));
    }

    /** A filter over every bank. */
    public CaseFilter(String tenant, Set<CaseSource> sources, Set<CaseLabel> labels, Set<String> excludeOrigins,
            Set<TaskKey> excludeTasks) {
        this(tenant, sources, labels, excludeOrigins, excludeTasks, Set.of());
    }

    public static CaseFilter tenant(String tenant) {
        return new CaseFilter(tenant, Set.of(), Set.of(), Set.of(), Set.of());
    }

    public CaseFilter withSources(Set<CaseSource> sources) {
        return new CaseFilter(tenant, sources, labels, excludeOrigins, excludeTasks, banks);
    }

    public CaseFilter withLabels(Set<CaseLabel> labels) {
        return new CaseFilter(tenant, sources, labels, excludeOrigins, excludeTasks, banks);
    }

    public CaseFilter withExcludedOrigins(Set<String> excludeOrigins) {
        return new CaseFilter(tenant, sources, labels, excludeOrigins, excludeTasks, banks);
    }

    public CaseFilter withExcludedTasks(Set<TaskKey> excludeTasks) {
        return new CaseFilter(tenant, sources, labels, excludeOrigins, excludeTasks, banks);
    }

    public CaseFilter withBanks(Set<String> banks) {
        return new CaseFilter(tenant, sources, labels, excludeOrigins, excludeTasks, banks);
    }

    /**
     * True when every case {@code narrower} admits, this filter admits too (the same tenant, no source, label or bank
     * that {@code narrower} lets through left out, no origin or task excluded that {@code narrower} does not
     * exclude); false when that is not certain.
     */
    public boolean covers(CaseFilter narrower) {
        return tenant.equals(narrower.tenant)
                && (sources.isEmpty() || !narrower.sources.isEmpty() && sources.containsAll(narrower.sources))
                && (labels.isEmpty() || !narrower.labels.isEmpty() && labels.containsAll(narrower.labels))
                && (banks.isEmpty() || !narrower.banks.isEmpty() && banks.containsAll(narrower.banks))
                && narrower.excludeOrigins.containsAll(excludeOrigins)
                && narrower.excludeTasks.containsAll(excludeTasks);
    }

    /** True when the case is visible through this filter. */
    public boolean admits(Case c) {
        return c.tenant().equals(tenant)
                && (sources.isEmpty() || sources.contains(c.source()))
                && (labels.isEmpty() || labels.contains(c.label()))
                && (excludeOrigins.isEmpty() || !excludeOrigins.contains(c.origin()))
                && (excludeTasks.isEmpty() || !excludeTasks.contains(TaskKey.of(c.task())))
                && (banks.isEmpty() || banks.contains(c.bank()));
    }
}
