package dev.casebook.server.llm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * The models section of {@code /api/status}: for each role its effective settings, each key saying where its value
 * comes from ({@code set} for this role, {@code inherited} from the planner, {@code default}, or {@code unset}), and
 * what the endpoint was found to accept ({@link EndpointCapabilities}). Never the API key.
 */
public final class ModelStatus {
    private final ModelSettings settings;
    private final Environment environment;

    public ModelStatus(ModelSettings settings, Environment environment) {
        this.settings = settings;
        this.environment = environment;
    }

    public Map<String, Object> view() {
        Map<String, Object> roles = new LinkedHashMap<>();
        for (ModelRole role : ModelRole.DREAM) {
            roles.put(role.wireName(), role(role));
        }
        return roles;
    }

    private Map<String, Object> role(ModelRole role) {
        String name = role.wireName();
        ModelSettings.Role effective = settings.role(role);
        ModelSettings.Role declared = Binder.get(environment).bind("casebook.models." + name,
                ModelSettings.Role.class).orElse(ModelSettings.Role.EMPTY);
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("configured", effective.configured());
        view.put("provider", effective.effectiveProvider());
        view.put("baseUrl", effective.effectiveBaseUrl());
        view.put("model", effective.model());
        Map<String, Object> keys = new LinkedHashMap<>();
        List<String> inherited = new ArrayList<>();
        for (String key : ModelSettings.Role.KEYS) {
            Object value = effective.value(key);
            String from;
            if (declared.value(key) != null) {
                from = "set";
            } else if (value != null && role != ModelRole.PLANNER) {
                from = "inherited";
                inherited.add(key);
            } else if (effective.defaultValue(key) != null) {
                from = "default";
                value = effective.defaultValue(key);
            } else {
                from = "unset";
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("value", value);
            entry.put("from", from);
            keys.put(key, entry);
        }
        view.put("inherited", inherited);
        view.put("settings", keys);
        view.put("capabilities", effective.configured()
                ? EndpointCapabilities.of(effective.effectiveBaseUrl(), effective.model()).view()
                : Map.of("probe", "no endpoint"));
        return view;
    }
}
