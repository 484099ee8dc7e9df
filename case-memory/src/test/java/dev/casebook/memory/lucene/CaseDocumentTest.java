package dev.casebook.memory.lucene;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseLabel;
import dev.casebook.memory.CaseSource;
import dev.casebook.memory.Evidence;
import dev.casebook.memory.EvidenceSource;
import dev.casebook.memory.Rater;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.lucene.document.Document;
import org.junit.jupiter.api.Test;

/** A stored document read back keeps its evidence as JSON until asked, and writes that JSON back unchanged. */
class CaseDocumentTest {
    private static final Instant AT = Instant.parse("2026-03-04T05:06:07.891234567Z");

    @Test
    void a_document_rewritten_from_one_read_carries_the_same_evidence_json_without_parsing_it() {
        Case c = new Case(UUID.randomUUID(), "acme", "task", "plan", "answer", 0.5, CaseLabel.POSITIVE,
                CaseSource.REAL, "", 0, 0, AT, AT);
        List<Evidence> evidence = List.of(new Evidence("e \"1\"", EvidenceSource.REAL, 0.5, Rater.SCORER,
                "plan ünï\n", "answer", AT));
        Document stored = CaseDocument.of(c, new float[] {0.6f, 0.8f}, evidence);

        CaseDocument.Stored read = CaseDocument.read(stored);
        Document rewritten = CaseDocument.of(read.value().withCounts(1, 1), read.vector(), read.events());

        assertThat(read.events().parsed()).isFalse();
        assertThat(rewritten.get(CaseDocument.EVIDENCE)).isEqualTo(stored.get(CaseDocument.EVIDENCE));
        assertThat(read.evidence()).isEqualTo(evidence);
        assertThat(read.events().parsed()).isTrue();
        assertThat(read.vector()).containsExactly(0.6f, 0.8f);
        assertThat(CaseDocument.readEvidence(stored)).isEqualTo(evidence);
    }

    @Test
    void a_document_without_evidence_reads_one_event_from_the_case_s_state() {
        Case c = new Case(UUID.randomUUID(), "acme", "task", "plan", "answer", 0.0, CaseLabel.NEGATIVE,
                CaseSource.REAL, "origin", 0, 0, AT, AT);
        Document doc = CaseDocument.of(c, new float[] {1f, 0f}, List.of(Evidence.ofState(c)));
        doc.removeField(CaseDocument.EVIDENCE);

        assertThat(CaseDocument.read(doc).evidence()).containsExactly(Evidence.ofState(c));
        assertThat(CaseDocument.readEvidence(doc)).containsExactly(Evidence.ofState(c));
    }
}
