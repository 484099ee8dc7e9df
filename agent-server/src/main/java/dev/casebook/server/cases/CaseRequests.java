package dev.casebook.server.cases;

/** Bodies the case endpoints accept. Unknown fields are rejected. */
final class CaseRequests {
    private CaseRequests() {
    }

    record Create(String task, String plan, String answer, Double reward, String label, String source, String bank) {
    }

    record Bank(Boolean readOnly) {
    }

    /** A case edit: a new label, a refutation set or undone, or both. */
    record Edit(String label, Boolean refuted) {
    }

    record Search(String query, Integer k, String mode) {
    }
}
