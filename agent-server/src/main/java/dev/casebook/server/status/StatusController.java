package dev.casebook.server.status;

import dev.casebook.inference.InferenceRuntime;
import dev.casebook.inference.Placement;
import dev.casebook.memory.CaseStore;
import dev.casebook.memory.embedding.Embedder;
import dev.casebook.server.agent.Agent;
import dev.casebook.server.llm.ModelStatus;
import dev.casebook.server.security.SecuritySettings;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.env.Environment;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * What this server runs with: models per role (effective settings, where each comes from, what the endpoint accepts:
 * {@link ModelStatus}), case store, embedder, where its own models run, auth.
 */
@RestController
class StatusController {
    private final Environment env;
    private final SecuritySettings security;
    private final ObjectProvider<Agent> agent;
    private final ObjectProvider<CaseStore> store;
    private final ObjectProvider<Embedder> embedder;
    private final ObjectProvider<InferenceRuntime> inference;
    private final ModelStatus models;

    StatusController(Environment env, SecuritySettings security, ObjectProvider<Agent> agent,
            ObjectProvider<CaseStore> store, ObjectProvider<Embedder> embedder,
            ObjectProvider<InferenceRuntime> inference, ModelStatus models) {
        this.env = env;
        this.models = models;
        this.security = security;
        this.agent = agent;
        this.store = store;
        this.embedder = embedder;
        this.inference = inference;
    }

    @GetMapping("/api/status")
    Map<String, Object> status() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("models", models.view());
        out.put("agent", agent.getIfAvailable() == null ? "none" : "ready");
        CaseStore s = store.getIfAvailable();
        out.put("store", s == null ? Map.of("type", "none")
                : Map.of("type", s.getClass().getSimpleName(), "dimension", s.dimension()));
        Embedder e = embedder.getIfAvailable();
        out.put("embedder", e == null ? Map.of("model", "none")
                : Map.of("model", e.modelId(), "dimension", e.dimension()));
        out.put("inference", inference());
        out.put("auth", security.enabled() ? "api-key" : "off");
        out.put("database", env.getProperty("spring.datasource.url", "").startsWith("jdbc:h2:") ? "embedded"
                : "postgresql");
        return out;
    }

    /** {device: "auto", models: {embeddings: {model, engine, engineVersion, device}, policy: {...}}}. */
    private Map<String, Object> inference() {
        InferenceRuntime runtime = inference.getIfAvailable();
        Map<String, Object> out = new LinkedHashMap<>();
        if (runtime == null) {
            return out;
        }
        out.put("device", runtime.settings().device().toString());
        Map<String, Object> models = new LinkedHashMap<>();
        for (Placement p : runtime.placements()) {
            models.put(p.role(), Map.of("model", p.model(), "engine", p.engine(), "engineVersion",
                    p.engineVersion(), "device", p.device()));
        }
        out.put("models", models);
        return out;
    }
}
