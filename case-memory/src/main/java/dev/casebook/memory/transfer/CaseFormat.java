package dev.casebook.memory.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The JSONL shapes of a case bank, one JSON object a line. */
public enum CaseFormat {
    /** Casebook's own: every field of a {@code Case} ({@code id, task, plan, answer, reward, label, ...}). */
    CASEBOOK("casebook"),
    /** AgentFly/Memento {@code memory.jsonl}: {@code {case, plan, case_label}}. */
    MEMENTO("memento"),
    /** AgentFly/Memento {@code dummy_memo.jsonl}: {@code {question, plan, reward}}. */
    MEMENTO_DUMMY("memento-dummy");

    private final String wireName;

    CaseFormat(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static CaseFormat parse(String text) {
        String wanted = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(f -> f.wireName.equals(wanted)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("format must be one of " + names() + ", was '"
                        + text + "'"));
    }

    static String names() {
        return Arrays.stream(values()).map(CaseFormat::wireName).collect(Collectors.joining(", "));
    }

    /** The format a line's fields reveal: {@code case_label} → memento, {@code question} → dummy, {@code task}. */
    static Optional<CaseFormat> detect(JsonNode line) {
        if (line.has("case_label") || line.has("case")) {
            return Optional.of(MEMENTO);
        }
        if (line.has("question")) {
            return Optional.of(MEMENTO_DUMMY);
        }
        if (line.has("task")) {
            return Optional.of(CASEBOOK);
        }
        return Optional.empty();
    }
}
