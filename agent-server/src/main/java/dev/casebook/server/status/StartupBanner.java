package dev.casebook.server.status;

import dev.casebook.server.agent.Agent;
import dev.casebook.server.llm.ModelRole;
import dev.casebook.server.llm.ModelSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Says at start-up which model each role uses (or that none is configured and how to set one), and ends with the URL
 * to open in a browser.
 */
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
        }
        StringBuilder roles = new StringBuilder("LLM models (change with casebook.models.<role>.*):");
        for (ModelRole role : ModelRole.DREAM) {
            roles.append("\n  ").append("%-10s ".formatted(role.wireName())).append(describe(role));
        }
        log.info("{}", roles);
        log.info("API at {}api (OpenAPI at {}v3/api-docs, metrics at {}actuator/prometheus)", url(), url(), url());
        log.info("Casebook is ready: open {}", url());
    }

    private String describe(ModelRole modelRole) {
        String name = modelRole.wireName();
        ModelSettings.Role role = models.role(modelRole);
        if (!role.configured()) {
            return "not configured";
        }
        String text = role.model() + " at " + role.effectiveBaseUrl() + " (" + role.effectiveProvider() + ")";
        if (modelRole == ModelRole.PLANNER) {
            return text;
        }
        ModelSettings.Role declared = Binder.get(env).bind("casebook.models." + name, ModelSettings.Role.class)
                .orElse(ModelSettings.Role.EMPTY);
        if (declared.model() == null && declared.baseUrl() == null && declared.provider() == null) {
            return text + ", inherited from the planner";
        }
        return text;
    }

    /** The address a browser on this machine opens: a wildcard bind address is reached through loopback. */
    String url() {
        String address = env.getProperty("server.address", "127.0.0.1");
        if (address.isBlank() || address.equals("0.0.0.0") || address.equals("::") || address.equals("[::]")) {
            address = "127.0.0.1";
        } else if (address.contains(":") && !address.startsWith("[")) {
            address = "[" + address + "]";
        }
        String port = env.getProperty("local.server.port", env.getProperty("server.port", "8080"));
        String scheme = env.getProperty("server.ssl.enabled", Boolean.class, false) ? "https" : "http";
        String path = env.getProperty("server.servlet.context-path", "");
        path = path.endsWith("/") ? path : path + "/";
        path = path.startsWith("/") ? path : "/" + path;
        return scheme + "://" + address + ":" + port + path;
    }
}
