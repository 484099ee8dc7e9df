package dev.casebook.server.openai;

import dev.casebook.server.security.CurrentTenant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /v1/models}: the agent profiles the caller's key may use, and the embedding model ({@link ModelCatalog}). */
@RestController
class ModelsController {
    private final ModelCatalog catalog;

    ModelsController(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    @GetMapping("/v1/models")
    CompletionBodies.ModelList list(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant) {
        List<CompletionBodies.Model> models = new ArrayList<>();
        catalog.profiles(tenant).forEach(p -> models.add(new CompletionBodies.Model(p.name(), catalog.created(),
                p.description())));
        if (catalog.hasEmbeddings()) {
            models.add(embeddings());
        }
        return new CompletionBodies.ModelList(models);
    }

    @GetMapping("/v1/models/{model}")
    CompletionBodies.Model get(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant, @PathVariable String model) {
        if (model.equals(ModelCatalog.EMBEDDINGS) && catalog.hasEmbeddings()) {
            return embeddings();
        }
        AgentProfile p = catalog.profile(tenant, model);
        return new CompletionBodies.Model(p.name(), catalog.created(), p.description());
    }

    private CompletionBodies.Model embeddings() {
        return new CompletionBodies.Model(ModelCatalog.EMBEDDINGS, catalog.created(), "the in-process embedding model "
                + catalog.embedder().modelId() + " (" + catalog.embedder().dimension() + " dimensions)");
    }
}
