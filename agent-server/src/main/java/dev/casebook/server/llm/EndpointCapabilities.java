package dev.casebook.server.llm;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * What one endpoint and model accept, learned by the start-up probe ({@link ModelProbe}) and by the calls made since:
 * whether the model is listed, its context window when the server reports one, and whether {@code tools} and each
 * {@code response_format} type are accepted. One instance per base URL and model name in this process, shared by
 * every client of them, so that a refusal is paid for once, not once per task. Thread-safe.
 */
final class EndpointCapabilities {
    private static final ConcurrentMap<String, EndpointCapabilities> ALL = new ConcurrentHashMap<>();

    /** A request parameter an endpoint may refuse. */
    public enum Feature {
        TOOLS("tools"), JSON_SCHEMA("json_schema"), JSON_OBJECT("json_object");

        private final String wireName;

        Feature(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    /** What is known of a feature: not tried yet, accepted, or refused (with the server's words). */
    public enum Support {
        UNKNOWN, ACCEPTED, REFUSED;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final String baseUrl;
    private final String model;
    private final Map<Feature, Support> support = new ConcurrentHashMap<>();
    private final Map<Feature, String> refusals = new ConcurrentHashMap<>();
    private volatile String probe = "not probed";
    private volatile Instant probedAt;
    private volatile Boolean listed;
    private volatile Integer contextWindow;

    private EndpointCapabilities(String baseUrl, String model) {
        this.baseUrl = baseUrl;
        this.model = model;
    }

    /** The capabilities of this endpoint and model, created unknown on first use. */
    public static EndpointCapabilities of(String baseUrl, String model) {
        return ALL.computeIfAbsent(baseUrl + "|" + model, key -> new EndpointCapabilities(baseUrl, model));
    }

    public String baseUrl() {
        return baseUrl;
    }

    public String model() {
        return model;
    }

    public Support support(Feature feature) {
        return support.getOrDefault(feature, Support.UNKNOWN);
    }

    public boolean refused(Feature feature) {
        return support(feature) == Support.REFUSED;
    }

    void accepted(Feature feature) {
        support.put(feature, Support.ACCEPTED);
    }

    void refused(Feature feature, String detail) {
        support.put(feature, Support.REFUSED);
        refusals.put(feature, detail);
    }

    /** The context window the server reported for the model; null when it reports none. */
    public Integer contextWindow() {
        return contextWindow;
    }

    void probing() {
        probe = "probing";
    }

    void probed(Boolean listed, Integer contextWindow, String outcome) {
        this.listed = listed;
        if (contextWindow != null) {
            this.contextWindow = contextWindow;
        }
        this.probe = outcome;
        this.probedAt = Instant.now();
    }

    /** As {@code /api/status} shows it. */
    public Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("probe", probe);
        view.put("probedAt", probedAt == null ? null : probedAt.toString());
        view.put("modelListed", listed);
        view.put("contextWindow", contextWindow);
        for (Feature feature : Feature.values()) {
            Support s = support(feature);
            view.put(feature.wireName(), s == Support.REFUSED ? s.wireName() + ": " + refusals.get(feature)
                    : s.wireName());
        }
        return view;
    }
}
