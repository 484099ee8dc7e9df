package dev.casebook.server.cases;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseFilter;
import dev.casebook.memory.CaseLabel;
import dev.casebook.memory.CasePage;
import dev.casebook.memory.CaseSource;
import dev.casebook.memory.CaseStore;
import dev.casebook.memory.transfer.CaseExporter;
import dev.casebook.memory.transfer.CaseFormat;
import dev.casebook.memory.transfer.CaseImporter;
import dev.casebook.memory.transfer.ImportMode;
import dev.casebook.memory.transfer.ImportRejectedException;
import dev.casebook.memory.transfer.LineError;
import dev.casebook.memory.transfer.OnError;
import dev.casebook.server.memory.CaseBanks;
import dev.casebook.server.security.CurrentTenant;
import dev.casebook.server.web.ApiException;
import io.swagger.v3.oas.annotations.Operation;
import java.io.OutputStreamWriter;
import java.io.StringReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/** Export and import of a tenant's cases as JSONL (casebook or AgentFly/Memento lines), and statistics. */
@RestController
class CaseTransfer {
    private static final int PAGE = 500;
    private static final int IMPORT_BATCH = 64;

    private final CaseMemory memory;
    private final CaseBanks banks;

    CaseTransfer(CaseMemory memory, CaseBanks banks) {
        this.memory = memory;
        this.banks = banks;
    }

    /**
     * What an import did: lines stored ({@code imported}), lines left out as duplicates of a case the bank holds
     * already or of an earlier line ({@code duplicates}, their numbers in {@code duplicateLines}), malformed lines
     * ({@code skipped}, each with its number and reason in {@code errors}).
     */
    record ImportReport(String format, String mode, String bank, int imported, int duplicates,
            List<Integer> duplicateLines, int skipped, List<LineError> errors) {
    }

    /** Every case of the tenant (or of one bank) with its bank and evidence, one JSON line each. */
    @GetMapping(path = "/api/cases/export", produces = "application/x-ndjson")
    @Operation(summary = "Export cases as JSON lines", description = "every case of the tenant, or of one bank, "
            + "with its bank and evidence")
    ResponseEntity<StreamingResponseBody> export(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant,
            @RequestParam(required = false) String bank) {
        CaseStore store = memory.store();
        CaseFilter filter = bank == null || bank.isBlank() ? CaseFilter.tenant(tenant)
                : CaseFilter.tenant(tenant).withBanks(Set.of(CasesController.bank(bank)));
        StreamingResponseBody body = out -> {
            Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            new CaseExporter().export(store, filter, writer);
            writer.flush();
        };
        return ResponseEntity.ok().contentType(MediaType.parseMediaType("application/x-ndjson")).body(body);
    }

    /**
     * Imports JSONL in casebook's own format or AgentFly/Memento's ({@code memory.jsonl}, {@code dummy_memo.jsonl});
     * {@code format=auto} tells them apart by the first line. Malformed lines are skipped and reported
     * ({@code onError=skip}) or reject the whole import, storing nothing ({@code onError=reject}). Cases go to the
     * named {@code bank} (casebook lines keep their own when none is named); {@code mode=skip-duplicates} (the
     * default) leaves out lines whose content the bank holds already, {@code append} stores them too,
     * {@code replace-bank} empties the bank first. A read-only bank refuses the import (409).
     */
    @PostMapping(path = "/api/cases/import", consumes = {"application/x-ndjson", "application/jsonl",
            MediaType.TEXT_PLAIN_VALUE, MediaType.APPLICATION_JSON_VALUE})
    @Operation(summary = "Import cases from JSON lines", description = "casebook's own format or AgentFly/Memento's, "
            + "into a bank; malformed lines are skipped and reported or reject the import, duplicates are left out, "
            + "appended or replace the bank")
    ImportReport importCases(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant, @RequestBody String body,
            @RequestParam(defaultValue = "auto") String format,
            @RequestParam(defaultValue = "skip") String onError, @RequestParam(required = false) String bank,
            @RequestParam(defaultValue = "skip-duplicates") String mode) {
        CaseFormat chosen = format(format);
        OnError policy = onError(onError);
        ImportMode importMode = mode(mode);
        String target = bank == null || bank.isBlank() ? null : CasesController.bank(bank);
        CaseImporter importer = new CaseImporter(memory.writer(), memory.embedder(), IMPORT_BATCH);
        var report = importer.importLines(new StringReader(body), tenant, target, importMode, chosen, policy);
        if (target != null) {
            // named only once the import went through: a rejected or failed one leaves no trace, not even its bank
            banks.ensure(tenant, target);
        }
        return new ImportReport(report.format().wireName(), importMode.wireName(), target, report.imported(),
                report.duplicates().size(), report.duplicates(), report.skipped().size(), report.skipped());
    }

    private static ImportMode mode(String mode) {
        try {
            return ImportMode.parse(mode);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("parameter 'mode' must be append, skip-duplicates or replace-bank, was '"
                    + mode + "'");
        }
    }

    /** A rejected import stored nothing: 400 with every malformed line in {@code errors}. */
    @ExceptionHandler(ImportRejectedException.class)
    ResponseEntity<ProblemDetail> rejected(ImportRejectedException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
        problem.setProperty("errors", e.errors());
        return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    private static CaseFormat format(String format) {
        if (format.equals("auto")) {
            return null;
        }
        try {
            return CaseFormat.parse(format);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("parameter 'format' must be auto, casebook, memento or memento-dummy,"
                    + " was '" + format + "'");
        }
    }

    private static OnError onError(String onError) {
        if (!onError.equals("skip") && !onError.equals("reject")) {
            throw ApiException.badRequest("parameter 'onError' must be 'skip' or 'reject', was '" + onError + "'");
        }
        return OnError.parse(onError);
    }

    @GetMapping("/api/cases/stats")
    @Operation(summary = "Counts of the tenant's cases", description = "in all, per label, per source and per day")
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
