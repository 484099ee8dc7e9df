package dev.casebook.server.cases;

import dev.casebook.memory.CaseStore;
import dev.casebook.memory.MemoryWriter;
import dev.casebook.memory.embedding.Embedder;
import dev.casebook.server.agent.AgentMemory;
import dev.casebook.server.memory.CaseBanks;
import dev.casebook.server.memory.MemorySettings;
import dev.casebook.server.web.ApiException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/** The case store, embedder and memory writer of this server, or a 503 problem when case memory is not configured. */
@Component
class CaseMemory {
    private final ObjectProvider<CaseStore> store;
    private final ObjectProvider<Embedder> embedder;
    private final ObjectProvider<AgentMemory> memory;

    private final CaseBanks banks;

    CaseMemory(ObjectProvider<CaseStore> store, ObjectProvider<Embedder> embedder,
            ObjectProvider<AgentMemory> memory, CaseBanks banks) {
        this.store = store;
        this.embedder = embedder;
        this.memory = memory;
        this.banks = banks;
    }

    /**
     * The one door for writes to case memory; every change the API makes goes through it. The agent's writer when
     * the server has one; a store given without the agent's memory (an embedding-only deployment, tests) gets a
     * writer with the same rules and the default near-duplicate threshold.
     */
    MemoryWriter writer() {
        AgentMemory m = memory.getIfAvailable();
        return m != null ? m.writer() : new MemoryWriter(store(), new MemorySettings(null, null, null, null,
                null).duplicateThreshold(), banks);
    }

    CaseStore store() {
        CaseStore s = store.getIfAvailable();
        if (s == null) {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "case memory is not configured on this server");
        }
        return s;
    }

    Embedder embedder() {
        Embedder e = embedder.getIfAvailable();
        if (e == null) {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "no embedding model is configured on this server");
        }
        return e;
    }
}
