package dev.casebook.server.cases;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.casebook.memory.Case;
import dev.casebook.memory.CaseFilter;
import dev.casebook.memory.CaseLabel;
import dev.casebook.memory.CasePage;
import dev.casebook.memory.CaseSource;
import dev.casebook.memory.Evidence;
import dev.casebook.memory.HybridQuery;
import dev.casebook.memory.VectorQuery;
import dev.casebook.server.memory.CaseBanks;
import dev.casebook.server.security.CurrentTenant;
import dev.casebook.server.tasks.TaskQueries;
import dev.casebook.server.web.ApiException;
import dev.casebook.server.web.InvalidRequestException;
import dev.casebook.server.web.Paging;
import io.swagger.v3.oas.annotations.Operation;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Case memory of the caller's tenant: list, get, history, create, relabel (refute, reinstate), delete, search. Input
 * is checked first; every write goes through the {@link dev.casebook.memory.MemoryWriter}.
 */
@RestController
@RequestMapping("/api/cases")
class CasesController {
    private static final int MAX_PAGE = 200;

    private final CaseMemory memory;
    private final TaskQueries tasks;
    private final CaseBanks banks;

    CasesController(CaseMemory memory, TaskQueries tasks, CaseBanks banks) {
        this.memory = memory;
        this.tasks = tasks;
        this.banks = banks;
    }

    /** A bank of the tenant: its name, whether it is read-only, how many cases it holds. */
    record BankView(String name, boolean readOnly, long cases) {
    }

    @GetMapping("/banks")
    @Operation(summary = "The tenant's case banks", description = "name, read-only, number of cases")
    Map<String, List<BankView>> banks(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant) {
        return Map.of("items", banks.list(tenant).stream().map(b -> new BankView(b.name(), b.readOnly(),
                memory.store().count(CaseFilter.tenant(tenant).withBanks(Set.of(b.name()))))).toList());
    }

    /** Marks a bank read-only ({@code {"readOnly": true}}) or writable again; names a new bank. */
    @PatchMapping("/banks/{name}")
    @Operation(summary = "Make a case bank read-only or writable")
    BankView bank(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant, @PathVariable String name,
            @RequestBody CaseRequests.Bank body) {
        if (body.readOnly() == null) {
            throw ApiException.badRequest("field 'readOnly' is required: true or false");
        }
        CaseBanks.Bank b = banks.setReadOnly(tenant, bank(name), body.readOnly());
        return new BankView(b.name(), b.readOnly(), memory.store().count(CaseFilter.tenant(tenant)
                .withBanks(Set.of(b.name()))));
    }

    /** A bank name, checked; a bad one is a 400 naming the rule. */
    static String bank(String name) {
        try {
            return CaseBanks.requireName(name);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    record Page(List<CaseView> items, int page, int size, long total) {
    }

    @GetMapping
    @Operation(summary = "The tenant's cases", description = "a page, filtered by text, label, source and bank")
    Page list(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant,
            @RequestParam(required = false) String label, @RequestParam(required = false) String source,
            @RequestParam(required = false) String q, @RequestParam(required = false) String bank,
            @RequestParam(defaultValue = "0") int page,
            @RequestParam(defaultValue = "20") int size) {
        if (page < 0) {
            throw ApiException.badRequest("parameter 'page' must be 0 or more, was " + page);
        }
        if (size < 1 || size > MAX_PAGE) {
            throw ApiException.badRequest("parameter 'size' must be within [1, " + MAX_PAGE + "], was " + size);
        }
        int offset = Paging.offset(page, size);
        CaseFilter filter = filter(tenant, label, source);
        if (bank != null && !bank.isBlank()) {
            filter = filter.withBanks(Set.of(bank(bank)));
        }
        if (q != null && !q.isBlank()) {
            CasePage matching = CaseText.of(q).filter(memory.store(), filter, offset, size);
            return new Page(matching.items().stream().map(c -> CaseView.of(c, null)).toList(), page, size,
                    matching.total());
        }
        CasePage result = memory.store().list(filter, offset, size);
        return new Page(result.items().stream().map(c -> CaseView.of(c, null)).toList(), page, size,
                result.total());
    }

    @GetMapping("/{id}")
    @Operation(summary = "A case", description = "its task, plan, answer, reward, label, source and counts")
    CaseView get(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant, @PathVariable String id) {
        return memory.store().get(tenant, uuid(id)).map(c -> CaseView.of(c, null))
                .orElseThrow(() -> ApiException.notFound("case", id));
    }

    /** One evidence event as the API shows it; {@code task} links the task that produced it, when it was one. */
    record EvidenceView(String episode, String source, double reward, String rater, String plan, String answer,
            Instant at, String task) {
        static EvidenceView of(Evidence e, Set<String> taskIds) {
            return new EvidenceView(e.episode(), e.source().wireName(), e.reward(), e.rater().wireName(), e.plan(),
                    e.answer(), e.at(), taskIds.contains(e.episode()) ? e.episode() : null);
        }
    }

    /** The case's evidence, oldest first, with the reward, label, plan and answer derived from it now. */
    record History(@JsonProperty("case") CaseView value, List<EvidenceView> events) {
    }

    @GetMapping("/{id}/history")
    @Operation(summary = "A case's evidence", description = "every outcome that wrote or rated the case, oldest first")
    History history(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant, @PathVariable String id) {
        Case value = memory.store().get(tenant, uuid(id)).orElseThrow(() -> ApiException.notFound("case", id));
        List<Evidence> events = memory.store().history(tenant, value.id());
        Set<String> taskIds = tasks.existing(tenant, events.stream().map(Evidence::episode).toList());
        return new History(CaseView.of(value, null), events.stream().map(e -> EvidenceView.of(e, taskIds)).toList());
    }

    @PostMapping
    @Operation(summary = "Add a case", description = "written through the memory writer, like every case")
    ResponseEntity<CaseView> create(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant,
            @RequestBody CaseRequests.Create body) {
        if (body.task() == null || body.task().isBlank()) {
            throw ApiException.badRequest("field 'task' must not be empty");
        }
        if (body.reward() == null || body.reward().isNaN() || body.reward() < 0 || body.reward() > 1) {
            throw ApiException.badRequest("field 'reward' must be a number within [0, 1], was " + body.reward());
        }
        CaseSource source = body.source() == null ? CaseSource.REAL
                : InvalidRequestException.whenInvalid(() -> CaseSource.parse(body.source()));
        CaseLabel label = body.label() == null ? null
                : InvalidRequestException.whenInvalid(() -> CaseLabel.parse(body.label()));
        Case value = InvalidRequestException.whenInvalid(
                () -> Case.of(tenant, body.task(), body.plan(), body.answer(), body.reward(), source));
        if (body.bank() != null) {
            value = value.withBank(bank(body.bank()));
            banks.ensure(tenant, value.bank());
        }
        if (label != null) {
            value = value.withLabel(label);
        }
        Case stored = memory.writer().create(value, memory.embedder().embed(value.task()));
        return ResponseEntity.status(HttpStatus.CREATED).body(CaseView.of(stored, null));
    }

    /**
     * Relabels a case, refutes it by hand or reinstates it ({@code "refuted": false}: the rating that refuted it was
     * a mistake), or both; the refutation is written first, so a refused one (409) leaves the label as it was.
     */
    @PatchMapping("/{id}")
    @Operation(summary = "Relabel a case, refute it or reinstate it",
            description = "label: positive or negative; refuted: false reinstates a refuted synthetic case (unchanged "
                    + "when it is not refuted), true refutes an unconfirmed synthetic case (409 for any other)")
    CaseView edit(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant, @PathVariable String id,
            @RequestBody CaseRequests.Edit body) {
        if (body.label() == null && body.refuted() == null) {
            throw ApiException.badRequest("field 'label' (positive or negative) or 'refuted' (true or false) is "
                    + "required");
        }
        CaseLabel label = body.label() == null ? null
                : InvalidRequestException.whenInvalid(() -> CaseLabel.parse(body.label()));
        UUID caseId = uuid(id);
        Optional<Case> edited = Optional.empty();
        if (body.refuted() != null) {
            edited = body.refuted() ? refute(tenant, caseId) : memory.writer().reinstate(tenant, caseId);
            if (edited.isEmpty()) {
                throw ApiException.notFound("case", id);
            }
        }
        if (label != null) {
            edited = memory.writer().relabel(tenant, caseId, label);
        }
        return edited.map(c -> CaseView.of(c, null)).orElseThrow(() -> ApiException.notFound("case", id));
    }

    /** A refutation by hand; a case that stays unrefuted (real, sandbox, confirmed) is a 409 naming why. */
    private Optional<Case> refute(String tenant, UUID id) {
        Optional<Case> refuted = memory.writer().refuteByHand(tenant, id);
        refuted.filter(c -> !c.refuted()).ifPresent(c -> {
            throw ApiException.conflict("only an unconfirmed synthetic case can be refuted; case " + id + " is "
                    + c.source().wireName() + (c.confirmed() ? " and confirmed" : ""));
        });
        return refuted;
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Delete a case")
    ResponseEntity<Void> delete(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant, @PathVariable String id) {
        if (!memory.writer().delete(tenant, uuid(id))) {
            throw ApiException.notFound("case", id);
        }
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/search")
    @Operation(summary = "Search cases by similarity", description = "the cases nearest to a query text")
    Map<String, List<CaseView>> search(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant,
            @RequestBody CaseRequests.Search body) {
        if (body.query() == null || body.query().isBlank()) {
            throw ApiException.badRequest("field 'query' must not be empty");
        }
        int k = body.k() == null ? 10 : body.k();
        if (k < 1 || k > MAX_PAGE) {
            throw ApiException.badRequest("field 'k' must be within [1, " + MAX_PAGE + "], was " + k);
        }
        String mode = body.mode() == null ? "hybrid" : body.mode();
        if (!mode.equals("hybrid") && !mode.equals("vector")) {
            throw ApiException.badRequest("field 'mode' must be 'hybrid' or 'vector', was '" + mode + "'");
        }
        return Map.of("items", search(CaseFilter.tenant(tenant), body.query(), k, mode));
    }

    private List<CaseView> search(CaseFilter filter, String text, int k, String mode) {
        float[] vector = memory.embedder().embed(text);
        var hits = mode.equals("vector") ? memory.store().search(new VectorQuery(vector, filter, k))
                : memory.store().hybridSearch(new HybridQuery(vector, text, filter, k));
        return hits.stream().map(h -> CaseView.of(h.value(), h.score())).toList();
    }

    private static CaseFilter filter(String tenant, String label, String source) {
        CaseFilter f = CaseFilter.tenant(tenant);
        if (label != null && !label.isBlank()) {
            f = f.withLabels(Set.of(InvalidRequestException.whenInvalid(() -> CaseLabel.parse(label))));
        }
        if (source != null && !source.isBlank()) {
            f = f.withSources(Set.of(InvalidRequestException.whenInvalid(() -> CaseSource.parse(source))));
        }
        return f;
    }

    /** Case ids are UUIDs; anything else cannot name a case and is not found. */
    private static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound("case", id);
        }
    }
}
