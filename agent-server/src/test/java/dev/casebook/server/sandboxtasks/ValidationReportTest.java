package dev.casebook.server.sandboxtasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValidationReportTest {

    @Test
    void counts_per_reason_the_tasks_that_met_it_and_the_share_of_them_kept() {
        SandboxTaskRecords.Repair noop = new SandboxTaskRecords.Repair("noop_passed", "…");
        SandboxTaskRecords.Repair reference = new SandboxTaskRecords.Repair("reference_failed", "…");
        Map<String, Object> report = ValidationReport.of(List.of(
                new SandboxTaskCounts.Validated(true, null, List.of(noop)),
                new SandboxTaskCounts.Validated(false, "noop_passed", List.of(noop, noop)),
                new SandboxTaskCounts.Validated(false, "near_miss_passed", List.of(reference)),
                new SandboxTaskCounts.Validated(true, null, List.of())));

        assertThat(report.get("keptRate")).isEqualTo(0.5);
        assertThat(report.get("keptAfterRepair")).isEqualTo(1);
        assertThat(report.get("byReason")).isEqualTo(Map.of(
                "noop_passed", Map.of("tasks", 2, "kept", 1, "keptRate", 0.5),
                "reference_failed", Map.of("tasks", 1, "kept", 0, "keptRate", 0.0),
                "near_miss_passed", Map.of("tasks", 1, "kept", 0, "keptRate", 0.0)));
    }

    @Test
    void a_job_without_tasks_has_no_kept_rate() {
        assertThat(ValidationReport.of(List.of()).get("keptRate")).isNull();
    }
}
