package dev.casebook.memory.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.casebook.memory.Case;
import dev.casebook.memory.CaseFilter;
import dev.casebook.memory.CasePage;
import dev.casebook.memory.CaseStore;
import dev.casebook.memory.Evidence;
import dev.casebook.memory.EvidenceSource;
import dev.casebook.memory.MemoryWriter;
import dev.casebook.memory.Rater;
import dev.casebook.memory.StoreException;
import dev.casebook.memory.embedding.Embedder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Imports a JSONL case bank into a tenant's case memory, through the {@link MemoryWriter} (read-only banks refuse).
 *
 * <p>The whole input is read and checked before anything is written: a malformed line (bad JSON, a missing or
 * invalid field, an id that exists already or twice in the input) is reported with its line number; with
 * {@link OnError#REJECT} any such line rejects the import, with {@link OnError#SKIP} the other lines are stored and
 * the report lists the skipped ones. Depending on the {@link ImportMode}, a line whose content the bank holds
 * already (or an earlier line had) is a duplicate: counted with its line number and not stored, so importing the
 * same file twice adds nothing. Casebook lines keep their bank and evidence (an export imported into an empty
 * memory rebuilds it exactly) unless a bank is named; other lines get one {@code import} event. Task texts are
 * embedded in batches, and each batch is stored with {@link CaseStore#addAll} (one commit); a batch the store refuses
 * is stored case by case to find the line. If storing fails part way (the store or the embedder fails, or an id
 * turns out taken), the cases this import stored are deleted again before the failure propagates, so an import
 * never stays half-done.
 */
public final class CaseImporter {
    private final MemoryWriter writer;
    private final CaseStore store;
    private final Embedder embedder;
    private final int batchSize;
    private final CaseJsonl lines = new CaseJsonl();

    public CaseImporter(MemoryWriter writer, Embedder embedder, int batchSize) {
        this.store = writer.store();
        if (store.dimension() != embedder.dimension()) {
            throw new IllegalArgumentException("the store holds vectors of dimension " + store.dimension()
                    + " but the embedder " + embedder.modelId() + " produces dimension " + embedder.dimension());
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be positive, was " + batchSize);
        }
        this.writer = writer;
        this.embedder = embedder;
        this.batchSize = batchSize;
    }

    /** An importer for a store without read-only banks (tools, tests). */
    public CaseImporter(CaseStore store, Embedder embedder, int batchSize) {
        this(new MemoryWriter(store, 1.0, MemoryWriter.Banks.ALL_WRITABLE), embedder, batchSize);
    }

    /** As {@link #importLines(Reader, String, String, ImportMode, CaseFormat, OnError)}, skipping duplicates. */
    public ImportReport importLines(Reader input, String tenant, CaseFormat format, OnError onError) {
        return importLines(input, tenant, null, ImportMode.SKIP_DUPLICATES, format, onError);
    }

    /**
     * Imports every line of {@code input} into {@code tenant}.
     *
     * @param bank   the bank every case goes to; null keeps a casebook line's own bank ({@code default} for others).
     *               {@link ImportMode#REPLACE_BANK} replaces this bank ({@code default} when null)
     * @param format the lines' format, or {@code null} to detect it from the first line that is a JSON object
     * @throws ImportRejectedException when {@code onError} is REJECT and a line is malformed, or when the format
     *                                 cannot be detected; nothing was stored
     * @throws dev.casebook.memory.ReadOnlyBankException when a bank the lines go to is read-only; nothing was stored
     */
    public ImportReport importLines(Reader input, String tenant, String bank, ImportMode mode, CaseFormat format,
                                    OnError onError) {
        String target = mode == ImportMode.REPLACE_BANK && bank == null ? Case.DEFAULT_BANK : bank;
        Parsed parsed = parse(input, tenant, target, mode, format);
        List<LineError> errors = new ArrayList<>(parsed.errors());
        if (!errors.isEmpty() && onError == OnError.REJECT) {
            throw new ImportRejectedException(errors);
        }
        parsed.cases().stream().map(n -> n.value().bank()).distinct()
                .forEach(b -> writer.requireWritable(tenant, b, "importing into it"));
        if (mode == ImportMode.REPLACE_BANK) {
            writer.clearBank(tenant, target);
        }
        List<Case> stored = new ArrayList<>();
        try {
            for (int from = 0; from < parsed.cases().size(); from += batchSize) {
                List<NumberedCase> batch = parsed.cases().subList(from, Math.min(from + batchSize,
                        parsed.cases().size()));
                List<float[]> vectors = embedder.embedAll(batch.stream().map(n -> n.value().task()).toList());
                try {
                    stored.addAll(writer.importCases(tenant, batch.stream().map(NumberedCase::value).toList(),
                            vectors, batch.stream().map(NumberedCase::evidence).toList()));
                } catch (IllegalArgumentException e) {
                    storeOneByOne(tenant, batch, vectors, onError, stored, errors);
                }
            }
        } catch (RuntimeException e) {
            if (!(e instanceof ImportRejectedException)) {
                undo(tenant, stored);
                throw new StoreException("import failed after storing " + stored.size() + " of "
                        + parsed.cases().size() + " cases, which were removed again: " + e.getMessage(),
                        e instanceof StoreException s && s.retryable(), e);
            }
            throw e;
        }
        errors.sort((a, b) -> Integer.compare(a.line(), b.line()));
        return new ImportReport(parsed.format(), stored.size(), parsed.duplicates(), errors);
    }

    /** A case of the batch could not be stored (an id taken in another tenant): find it, line by line. */
    private void storeOneByOne(String tenant, List<NumberedCase> batch, List<float[]> vectors, OnError onError,
            List<Case> stored, List<LineError> errors) {
        for (int i = 0; i < batch.size(); i++) {
            NumberedCase n = batch.get(i);
            var already = store.get(tenant, n.value().id());
            if (already.isPresent()) {
                stored.add(already.get());
                continue;
            }
            try {
                stored.add(store.add(n.value(), vectors.get(i), n.evidence())); // banks checked writable above
            } catch (IllegalArgumentException e) {
                if (onError == OnError.REJECT) {
                    undo(tenant, stored);
                    throw new ImportRejectedException(List.of(new LineError(n.line(), e.getMessage())));
                }
                errors.add(new LineError(n.line(), e.getMessage()));
            }
        }
    }

    private void undo(String tenant, List<Case> stored) {
        for (Case c : stored) {
            store.delete(tenant, c.id());
        }
    }

    private record NumberedCase(int line, Case value, List<Evidence> evidence) {
    }

    private record Parsed(CaseFormat format, List<NumberedCase> cases, List<Integer> duplicates,
                          List<LineError> errors) {
    }

    private Parsed parse(Reader input, String tenant, String bank, ImportMode mode, CaseFormat requested) {
        CaseFormat format = requested;
        List<NumberedCase> cases = new ArrayList<>();
        List<Integer> duplicates = new ArrayList<>();
        List<LineError> errors = new ArrayList<>();
        Set<UUID> ids = new HashSet<>();
        Map<String, Set<String>> contents = new HashMap<>();
        Instant now = Instant.now();
        BufferedReader reader = input instanceof BufferedReader b ? b : new BufferedReader(input);
        int number = 0;
        try {
            for (String text = reader.readLine(); text != null; text = reader.readLine()) {
                number++;
                if (text.isBlank()) {
                    continue;
                }
                try {
                    JsonNode node = lines.object(text);
                    if (format == null) {
                        int line = number;
                        format = CaseFormat.detect(node).orElseThrow(() -> new ImportRejectedException(List.of(
                                new LineError(line, "cannot tell the format from the fields " + fieldNames(node)
                                        + "; expected casebook {task, plan, reward, ...}, memento {case, plan,"
                                        + " case_label} or memento-dummy {question, plan, reward}"))));
                    }
                    Case value = lines.read(node, format, tenant, now);
                    if (bank != null) {
                        value = value.withBank(bank);
                    }
                    List<Evidence> evidence = lines.evidence(node, format);
                    if (evidence.isEmpty()) {
                        evidence = List.of(new Evidence(value.origin().isEmpty() ? "import" : value.origin(),
                                EvidenceSource.IMPORT, value.reward(), Rater.UNRATED, value.plan(), value.answer(),
                                now));
                    }
                    if (!ids.add(value.id())) {
                        throw new IllegalArgumentException("case " + value.id() + " appears twice in the input");
                    }
                    boolean replaced = mode == ImportMode.REPLACE_BANK;
                    Set<String> bankContents = mode == ImportMode.APPEND ? null : contents.computeIfAbsent(
                            value.bank(), b -> replaced ? new HashSet<>() : contentKeys(tenant, b));
                    Optional<Case> sameId = format == CaseFormat.CASEBOOK ? store.get(tenant, value.id())
                            : Optional.empty();
                    if (bankContents != null && bankContents.contains(value.contentKey())) {
                        duplicates.add(number);
                        continue;
                    }
                    if (sameId.isPresent() && !(replaced && sameId.get().bank().equals(value.bank()))) {
                        throw new IllegalArgumentException("case " + value.id() + " already exists");
                    }
                    if (bankContents != null) {
                        bankContents.add(value.contentKey());
                    }
                    cases.add(new NumberedCase(number, value, evidence));
                } catch (IllegalArgumentException e) {
                    errors.add(new LineError(number, e.getMessage()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the import at line " + (number + 1) + ": " + e.getMessage(),
                    e);
        }
        if (format == null) {
            if (errors.isEmpty()) {
                return new Parsed(CaseFormat.CASEBOOK, cases, duplicates, errors);
            }
            throw new ImportRejectedException(errors);
        }
        return new Parsed(format, cases, duplicates, errors);
    }

    /** The content keys of the bank's cases as stored now. */
    private Set<String> contentKeys(String tenant, String bank) {
        Set<String> keys = new HashSet<>();
        CaseFilter filter = CaseFilter.tenant(tenant).withBanks(Set.of(bank));
        for (int offset = 0; ; offset += 500) {
            CasePage page = store.list(filter, offset, 500);
            page.items().forEach(c -> keys.add(c.contentKey()));
            if (page.items().size() < 500) {
                return keys;
            }
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
