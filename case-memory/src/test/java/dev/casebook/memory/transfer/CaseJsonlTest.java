package dev.casebook.memory.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseLabel;
import dev.casebook.memory.CaseSource;
import dev.casebook.memory.Evidence;
import dev.casebook.memory.EvidenceSource;
import dev.casebook.memory.Rater;
import java.util.List;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CaseJsonlTest {
    private static final Instant NOW = Instant.parse("2026-03-04T05:06:07.123456Z");
    private final CaseJsonl jsonl = new CaseJsonl();

    @Test
    void casebook_line_round_trips_every_field_but_the_tenant() {
        Case value = new Case(UUID.randomUUID(), "acme", "Who painted \"Guernica\"?\nA line break.", "1. search",
                "Picasso", 0.4, CaseLabel.POSITIVE, CaseSource.SYNTHETIC, "deepresearcher:test:9", 7, 2,
                Instant.parse("2025-01-01T00:00:00.000001Z"), Instant.parse("2025-02-01T00:00:00Z"), "reference");
        List<Evidence> evidence = List.of(new Evidence("task-1", EvidenceSource.SYNTHETIC, 0.4,
                Rater.EXPERIENCE_MODEL, "1. search", "Picasso", Instant.parse("2025-02-01T00:00:00Z")));

        String line = jsonl.write(value, evidence);
        Case read = jsonl.read(jsonl.object(line), CaseFormat.CASEBOOK, "other", NOW);

        assertThat(line).doesNotContain("\n").doesNotContain("acme");
        assertThat(read).isEqualTo(new Case(value.id(), "other", value.task(), value.plan(), value.answer(),
                value.reward(), value.label(), value.source(), value.origin(), value.uses(), value.successes(),
                value.createdAt(), value.updatedAt(), "reference"));
        assertThat(jsonl.evidence(jsonl.object(line), CaseFormat.CASEBOOK)).isEqualTo(evidence);
    }

    @Test
    void casebook_line_needs_only_task_and_reward() {
        Case read = jsonl.read(jsonl.object("{\"task\":\"t\",\"reward\":0.2}"), CaseFormat.CASEBOOK, "acme", NOW);

        assertThat(read.label()).isEqualTo(CaseLabel.NEGATIVE);
        assertThat(read.source()).isEqualTo(CaseSource.REAL);
        assertThat(read.createdAt()).isEqualTo(NOW);
        assertThat(read.updatedAt()).isEqualTo(NOW);
    }

    @Test
    void memento_line_maps_case_plan_and_label() {
        Case read = jsonl.read(jsonl.object("{\"case\":\"What sport?\",\"plan\":\"{}\",\"case_label\":\"negative\"}"),
                CaseFormat.MEMENTO, "acme", NOW);

        assertThat(read.task()).isEqualTo("What sport?");
        assertThat(read.plan()).isEqualTo("{}");
        assertThat(read.label()).isEqualTo(CaseLabel.NEGATIVE);
        assertThat(read.reward()).isZero();
    }

    @Test
    void memento_dummy_line_maps_question_plan_and_reward() {
        Case read = jsonl.read(jsonl.object("{\"question\":\"Q?\",\"plan\":\"p\",\"reward\":1}"),
                CaseFormat.MEMENTO_DUMMY, "acme", NOW);

        assertThat(read.task()).isEqualTo("Q?");
        assertThat(read.reward()).isEqualTo(1.0);
        assertThat(read.label()).isEqualTo(CaseLabel.POSITIVE);
    }

    @Test
    void detects_the_format_from_the_fields() {
        assertThat(CaseFormat.detect(jsonl.object("{\"case\":\"c\",\"plan\":\"p\",\"case_label\":\"positive\"}")))
                .contains(CaseFormat.MEMENTO);
        assertThat(CaseFormat.detect(jsonl.object("{\"question\":\"q\",\"plan\":\"p\",\"reward\":0}")))
                .contains(CaseFormat.MEMENTO_DUMMY);
        assertThat(CaseFormat.detect(jsonl.object("{\"task\":\"t\",\"reward\":0}"))).contains(CaseFormat.CASEBOOK);
        assertThat(CaseFormat.detect(jsonl.object("{\"prompt\":\"t\"}"))).isEmpty();
    }

    @Test
    void says_what_is_wrong_with_a_line() {
        assertThatThrownBy(() -> jsonl.object("{\"task\": ")).hasMessageStartingWith("malformed JSON: ");
        assertThatThrownBy(() -> jsonl.object("[1]")).hasMessage("expected a JSON object, found array");
        assertThatThrownBy(() -> read("{\"reward\":1}", CaseFormat.CASEBOOK)).hasMessage("field 'task' is missing");
        assertThatThrownBy(() -> read("{\"task\":\"t\",\"reward\":2}", CaseFormat.CASEBOOK))
                .hasMessage("field 'reward' must be a number within [0, 1], was 2");
        assertThatThrownBy(() -> read("{\"task\":\"t\",\"reward\":1,\"colour\":1}", CaseFormat.CASEBOOK))
                .hasMessage("unknown field 'colour'");
        assertThatThrownBy(() -> read("{\"task\":\"t\",\"reward\":1,\"id\":\"x\"}", CaseFormat.CASEBOOK))
                .hasMessage("field 'id' must be a UUID, was 'x'");
        assertThatThrownBy(() -> read("{\"task\":\"t\",\"reward\":1,\"createdAt\":\"yesterday\"}",
                CaseFormat.CASEBOOK)).hasMessageStartingWith("field 'createdAt' must be an ISO-8601 instant");
        assertThatThrownBy(() -> read("{\"task\":\"t\",\"reward\":1,\"uses\":1,\"successes\":2}",
                CaseFormat.CASEBOOK)).hasMessageContaining("0 <= successes <= uses");
        assertThatThrownBy(() -> read("{\"case\":\"c\",\"plan\":\"p\",\"case_label\":\"maybe\"}", CaseFormat.MEMENTO))
                .hasMessage("label must be 'positive' or 'negative', was 'maybe'");
        assertThatThrownBy(() -> read("{\"question\":\" \",\"plan\":\"p\",\"reward\":0}", CaseFormat.MEMENTO_DUMMY))
                .hasMessage("field 'question' must not be blank");
        assertThatThrownBy(() -> read("{\"question\":\"q\",\"plan\":\"p\",\"reward\":\"1\"}",
                CaseFormat.MEMENTO_DUMMY)).hasMessage("field 'reward' must be a number within [0, 1], was \"1\"");
    }

    @Test
    void parses_format_and_error_policy_names() {
        assertThat(CaseFormat.parse("memento-dummy")).isEqualTo(CaseFormat.MEMENTO_DUMMY);
        assertThatThrownBy(() -> CaseFormat.parse("csv"))
                .hasMessage("format must be one of casebook, memento, memento-dummy, was 'csv'");
        assertThat(OnError.parse("Reject")).isEqualTo(OnError.REJECT);
        assertThatThrownBy(() -> OnError.parse("ignore")).hasMessage("onError must be 'skip' or 'reject', was 'ignore'");
    }

    private Case read(String line, CaseFormat format) {
        return jsonl.read(jsonl.object(line), format, "acme", NOW);
    }
}
