package dev.casebook.server.cases;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseFilter;
import dev.casebook.memory.CaseLabel;
import dev.casebook.memory.CasePage;
import dev.casebook.memory.CaseSource;
import dev.casebook.server.security.CurrentTenant;
import dev.casebook.server.web.ApiException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;

/** Export and import of a tenant's cases as NDJSON (one case per line, as {@link CaseView}), and statistics. */
@RestController
class CaseTransfer {
    private static final int PAGE = 500;

    private final CaseMemory memory;
    private final ObjectMapper json;

    CaseTransfer(CaseMemory memory, ObjectMapper json) {
        this.memory = memory;
        this.json = json;
    }

    record ImportReport(int imported, int skipped, List<LineError> errors) {
    }

    record LineError(int line, String detail) {
    }

    @GetMapping(path = "/api/cases/export", produces = "application/x-ndjson")
    ResponseEntity<StreamingResponseBody> export(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant) {
        memory.store();
        StreamingResponseBody body = out -> each(tenant, c -> write(out, c));
        return ResponseEntity.ok().contentType(MediaType.parseMediaType("application/x-ndjson")).body(body);
    }

    private void write(OutputStream out, Case c) {
        try {
            out.write((json.writeValueAsString(CaseView.of(c, null)) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("export stopped: " + e.getMessage(), e);
        }
    }

    @PostMapping(path = "/api/cases/import", consumes = {"application/x-ndjson", "application/jsonl",
            MediaType.TEXT_PLAIN_VALUE, MediaType.APPLICATION_JSON_VALUE})
    ImportReport importCases(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant, @RequestBody String body,
            @RequestParam(defaultValue = "casebook") String format,
            @RequestParam(defaultValue = "skip") String onError) {
        if (!format.equals("casebook")) {
            throw ApiException.badRequest("parameter 'format' must be 'casebook' (memento formats are not "
                    + "supported yet), was '" + format + "'");
        }
        if (!onError.equals("skip") && !onError.equals("reject")) {
            throw ApiException.badRequest("parameter 'onError' must be 'skip' or 'reject', was '" + onError + "'");
        }
        List<Case> parsed = new ArrayList<>();
        List<LineError> errors = new ArrayList<>();
        String[] lines = body.split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            try {
                parsed.add(toCase(tenant, json.readValue(lines[i], CaseView.class)));
            } catch (JacksonException | IllegalArgumentException e) {
                errors.add(new LineError(i + 1, e instanceof JacksonException j ? j.getOriginalMessage()
                        : e.getMessage()));
            }
        }
        if (!errors.isEmpty() && onError.equals("reject")) {
            throw ApiException.badRequest("import rejected, nothing stored: line " + errors.getFirst().line() + ": "
                    + errors.getFirst().detail() + (errors.size() > 1 ? " (and " + (errors.size() - 1)
                    + " more)" : ""));
        }
        int imported = 0;
        for (Case c : parsed) {
            try {
                memory.store().add(c, memory.embedder().embed(c.task()));
                imported++;
            } catch (IllegalArgumentException e) {
                errors.add(new LineError(0, "case " + c.id() + ": " + e.getMessage()));
            }
        }
        return new ImportReport(imported, errors.size(), errors);
    }

    private static Case toCase(String tenant, CaseView v) {
        Instant now = Instant.now();
        UUID id = v.id() == null ? UUID.randomUUID() : UUID.fromString(v.id());
        return new Case(id, tenant, v.task(), v.plan(), v.answer(), v.reward(),
                v.label() == null ? CaseLabel.fromReward(v.reward()) : CaseLabel.parse(v.label()),
                v.source() == null ? CaseSource.REAL : CaseSource.parse(v.source()), v.origin(), v.uses(),
                v.successes(), v.createdAt() == null ? now : v.createdAt(),
                v.updatedAt() == null ? now : v.updatedAt());
    }

    @GetMapping("/api/cases/stats")
    Map<String, Object> stats(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant) {
        Map<CaseLabel, Long> byLabel = new EnumMap<>(CaseLabel.class);
        Map<CaseSource, Long> bySource = new EnumMap<>(CaseSource.class);
        Map<LocalDate, Long> perDay = new TreeMap<>();
        long[] total = {0};
        each(tenant, c -> {
            total[0]++;
            byLabel.merge(c.label(), 1L, Long::sum);
            bySource.merge(c.source(), 1L, Long::sum);
            perDay.merge(LocalDate.ofInstant(c.createdAt(), ZoneOffset.UTC), 1L, Long::sum);
        });
        Map<String, Long> labels = new LinkedHashMap<>();
        byLabel.forEach((k, v) -> labels.put(k.wireName(), v));
        Map<String, Long> sources = new LinkedHashMap<>();
        bySource.forEach((k, v) -> sources.put(k.wireName(), v));
        List<Map<String, Object>> growth = new ArrayList<>();
        long running = 0;
        for (var e : perDay.entrySet()) {
            running += e.getValue();
            growth.add(Map.of("day", e.getKey().toString(), "count", running));
        }
        return Map.of("total", total[0], "byLabel", labels, "bySource", sources, "growth", growth);
    }

    private void each(String tenant, Consumer<Case> action) {
        CaseFilter filter = CaseFilter.tenant(tenant);
        for (int offset = 0; ; offset += PAGE) {
            CasePage page = memory.store().list(filter, offset, PAGE);
            page.items().forEach(action);
            if (page.items().size() < PAGE) {
                return;
            }
        }
    }
}
