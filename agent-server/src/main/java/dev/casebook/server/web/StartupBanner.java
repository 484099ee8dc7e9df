package dev.casebook.server.web;

import dev.casebook.server.agent.Agent;
import dev.casebook.server.llm.ModelSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/** Says at start-up which LLM endpoint the planner will use, or that none is configured and how to set one. */
@Component
class StartupBanner {
    private static final Logger log = LoggerFactory.getLogger(StartupBanner.class);

    private final Environment env;
    private final ObjectProvider<Agent> agent;
    private final ModelSettings models;

    StartupBanner(Environment env, ObjectProvider<Agent> agent, ModelSettings models) {
        this.env = env;
        this.agent = agent;
        this.models = models;
    }

    @EventListener(ApplicationReadyEvent.class)
    void ready() {
        if (!models.planner().configured() || agent.getIfAvailable() == null) {
            log.warn("No LLM configured: tasks will fail with 'no_model_configured'. Set "
                    + "casebook.models.planner.base-url (an OpenAI-compatible endpoint such as "
                    + "http://localhost:11434/v1 for Ollama) and casebook.models.planner.model; see README "
                    + "'Configuration'.");
        } else {
            log.info("LLM: planner {} at {} ({}), executor {} at {} ({}); change with casebook.models.*",
                    models.planner().model(), models.planner().effectiveBaseUrl(),
                    models.planner().effectiveProvider(), models.executor().model(),
                    models.executor().effectiveBaseUrl(), models.executor().effectiveProvider());
        }
        log.info("Casebook API on port {}: /api, OpenAPI at /v3/api-docs, UI at /",
                env.getProperty("local.server.port", env.getProperty("server.port", "8080")));
    }
}
