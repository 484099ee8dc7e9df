package dev.casebook.memory.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.casebook.memory.Case;
import dev.casebook.memory.CaseStore;
import dev.casebook.memory.StoreException;
import dev.casebook.memory.embedding.Embedder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Imports a JSONL case bank into a tenant's case memory.
 *
 * <p>The whole input is read and checked before anything is written: a malformed line (bad JSON, a missing or
 * invalid field, an id that exists already or twice in the input) is reported with its line number; with
 * {@link OnError#REJECT} any such line rejects the import, with {@link OnError#SKIP} the other lines are stored and
 * the report lists the skipped ones. Task texts are embedded in batches, and each batch is stored with
 * {@link CaseStore#addAll} (one commit); a batch the store refuses is stored case by case to find the line. If storing fails part way (the store or the
 * embedder fails, or an id turns out taken), the cases this import stored are deleted again before the failure
 * propagates, so an import never stays half-done.
 */
public final class CaseImporter {
    private final CaseStore store;
    private final Embedder embedder;
    private final int batchSize;
    private final CaseJsonl lines = new CaseJsonl();

    public CaseImporter(CaseStore store, Embedder embedder, int batchSize) {
        if (store.dimension() != embedder.dimension()) {
            throw new IllegalArgumentException("the store holds vectors of dimension " + store.dimension()
                    + " but the embedder " + embedder.modelId() + " produces dimension " + embedder.dimension());
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be positive, was " + batchSize);
        }
        this.store = store;
        this.embedder = embedder;
        this.batchSize = batchSize;
    }

    /**
     * Imports every line of {@code input} into {@code tenant}.
     *
     * @param format the lines' format, or {@code null} to detect it from the first line that is a JSON object
     * @throws ImportRejectedException when {@code onError} is REJECT and a line is malformed, or when the format
     *                                 cannot be detected; nothing was stored
     */
    public ImportReport importLines(Reader input, String tenant, CaseFormat format, OnError onError) {
        Parsed parsed = parse(input, tenant, format);
        List<LineError> errors = new ArrayList<>(parsed.errors());
        if (!errors.isEmpty() && onError == OnError.REJECT) {
            throw new ImportRejectedException(errors);
        }
        List<Case> stored = new ArrayList<>();
        try {
            for (int from = 0; from < parsed.cases().size(); from += batchSize) {
                List<NumberedCase> batch = parsed.cases().subList(from, Math.min(from + batchSize,
                        parsed.cases().size()));
                List<float[]> vectors = embedder.embedAll(batch.stream().map(n -> n.value().task()).toList());
                try {
                    stored.addAll(store.addAll(batch.stream().map(NumberedCase::value).toList(), vectors));
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
        return new ImportReport(parsed.format(), stored.size(), errors);
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
                stored.add(store.add(n.value(), vectors.get(i)));
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

    private record NumberedCase(int line, Case value) {
    }

    private record Parsed(CaseFormat format, List<NumberedCase> cases, List<LineError> errors) {
    }

    private Parsed parse(Reader input, String tenant, CaseFormat requested) {
        CaseFormat format = requested;
        List<NumberedCase> cases = new ArrayList<>();
        List<LineError> errors = new ArrayList<>();
        Set<UUID> ids = new HashSet<>();
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
                    if (!ids.add(value.id())) {
                        throw new IllegalArgumentException("case " + value.id() + " appears twice in the input");
                    }
                    if (format == CaseFormat.CASEBOOK && store.get(tenant, value.id()).isPresent()) {
                        throw new IllegalArgumentException("case " + value.id() + " already exists");
                    }
                    cases.add(new NumberedCase(number, value));
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
                return new Parsed(CaseFormat.CASEBOOK, cases, errors);
            }
            throw new ImportRejectedException(errors);
        }
        return new Parsed(format, cases, errors);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
