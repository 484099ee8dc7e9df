package dev.casebook.memory.transfer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.casebook.memory.Case;
import dev.casebook.memory.CaseLabel;
import dev.casebook.memory.CaseSource;
import dev.casebook.memory.Evidence;
import dev.casebook.memory.EvidenceJson;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * One case as one JSON line, in each {@link CaseFormat}. Casebook lines carry every field but the tenant, which is
 * the importer's, with the case's bank and evidence; Memento lines carry task, plan and label (or reward) only.
 */
public final class CaseJsonl {
    private static final Set<String> CASEBOOK_FIELDS = Set.of("id", "task", "plan", "answer", "reward", "label",
            "source", "origin", "uses", "successes", "createdAt", "updatedAt", "tenant", "score", "bank", "evidence",
            "confirmed", "refuted");

    private final ObjectMapper json = new ObjectMapper();

    /** The casebook line of a case with its evidence (no trailing newline): everything but the tenant. */
    public String write(Case c, List<Evidence> evidence) {
        ObjectNode node = json.createObjectNode();
        node.put("id", c.id().toString());
        node.put("task", c.task());
        node.put("plan", c.plan());
        node.put("answer", c.answer());
        node.put("reward", c.reward());
        node.put("label", c.label().wireName());
        node.put("source", c.source().wireName());
        node.put("origin", c.origin());
        node.put("uses", c.uses());
        node.put("successes", c.successes());
        node.put("createdAt", c.createdAt().toString());
        node.put("updatedAt", c.updatedAt().toString());
        node.put("bank", c.bank());
        if (c.confirmed()) {
            node.put("confirmed", true);
        }
        if (c.refuted()) {
            node.put("refuted", true);
        }
        node.set("evidence", EvidenceJson.toArray(evidence));
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write case " + c.id() + " as JSON", e);
        }
    }

    /** Parses a line as a JSON object; the message of the exception is fit for a line report. */
    JsonNode object(String line) {
        JsonNode node;
        try {
            node = json.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("malformed JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("expected a JSON object, found " + (node == null ? "nothing"
                    : node.getNodeType().name().toLowerCase()));
        }
        return node;
    }

    /** The evidence a casebook line carries; empty when it has none (lines of other formats, older exports). */
    List<Evidence> evidence(JsonNode line, CaseFormat format) {
        JsonNode events = line.get("evidence");
        if (format != CaseFormat.CASEBOOK || events == null || events.isNull()) {
            return List.of();
        }
        List<Evidence> read = EvidenceJson.fromArray(events);
        if (read.isEmpty()) {
            throw new IllegalArgumentException("field 'evidence' must hold at least one event when present");
        }
        return read;
    }

    /** The case a line of {@code format} describes, for {@code tenant}; absent timestamps become {@code now}. */
    Case read(JsonNode line, CaseFormat format, String tenant, Instant now) {
        return switch (format) {
            case CASEBOOK -> casebook(line, tenant, now);
            case MEMENTO -> {
                CaseLabel label = CaseLabel.parse(text(line, "case_label", true));
                yield new Case(UUID.randomUUID(), tenant, text(line, "case", true), text(line, "plan", false), "",
                        label == CaseLabel.POSITIVE ? 1.0 : 0.0, label, CaseSource.REAL, "", 0, 0, now, now);
            }
            case MEMENTO_DUMMY -> {
                double reward = reward(line, true);
                yield new Case(UUID.randomUUID(), tenant, text(line, "question", true), text(line, "plan", false),
                        "", reward, CaseLabel.fromReward(reward), CaseSource.REAL, "", 0, 0, now, now);
            }
        };
    }

    private static Case casebook(JsonNode line, String tenant, Instant now) {
        for (Iterator<String> names = line.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!CASEBOOK_FIELDS.contains(name)) {
                throw new IllegalArgumentException("unknown field '" + name + "'");
            }
        }
        double reward = reward(line, true);
        String label = text(line, "label", false);
        String source = text(line, "source", false);
        Instant created = instant(line, "createdAt", now);
        String id = text(line, "id", false);
        return new Case(id.isEmpty() ? UUID.randomUUID() : uuid(id), tenant, text(line, "task", true),
                text(line, "plan", false), text(line, "answer", false), reward,
                label.isEmpty() ? CaseLabel.fromReward(reward) : CaseLabel.parse(label),
                source.isEmpty() ? CaseSource.REAL : CaseSource.parse(source), text(line, "origin", false),
                count(line, "uses"), count(line, "successes"), created, instant(line, "updatedAt", created),
                text(line, "bank", false), flag(line, "confirmed"), flag(line, "refuted"));
    }

    private static boolean flag(JsonNode line, String field) {
        JsonNode value = line.get(field);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw new IllegalArgumentException("field '" + field + "' must be true or false, was " + value);
        }
        return value.asBoolean();
    }

    private static String text(JsonNode line, String field, boolean required) {
        JsonNode value = line.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new IllegalArgumentException("field '" + field + "' is missing");
            }
            return "";
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException("field '" + field + "' must be a string, was " + value);
        }
        if (required && value.asText().isBlank()) {
            throw new IllegalArgumentException("field '" + field + "' must not be blank");
        }
        return value.asText();
    }

    private static double reward(JsonNode line, boolean required) {
        JsonNode value = line.get("reward");
        if (value == null || value.isNull()) {
            if (required) {
                throw new IllegalArgumentException("field 'reward' is missing");
            }
            return 0;
        }
        if (!value.isNumber() || value.asDouble() < 0 || value.asDouble() > 1) {
            throw new IllegalArgumentException("field 'reward' must be a number within [0, 1], was " + value);
        }
        return value.asDouble();
    }

    private static int count(JsonNode line, String field) {
        JsonNode value = line.get(field);
        if (value == null || value.isNull()) {
            return 0;
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < 0) {
            throw new IllegalArgumentException("field '" + field + "' must be a whole number >= 0, was " + value);
        }
        return value.asInt();
    }

    private static Instant instant(JsonNode line, String field, Instant fallback) {
        String text = text(line, field, false);
        if (text.isEmpty()) {
            return fallback;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("field '" + field + "' must be an ISO-8601 instant such as"
                    + " 2026-01-31T12:00:00Z, was '" + text + "'");
        }
    }

    private static UUID uuid(String text) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("field 'id' must be a UUID, was '" + text + "'");
        }
    }
}
