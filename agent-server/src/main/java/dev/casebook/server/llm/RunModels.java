package dev.casebook.server.llm;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The models an evaluation run chooses per role. A run names, for any role, either a model profile the operator
 * configured ({@code casebook.models.profiles.<name>}) or a plain model name, which is then asked of that role's
 * configured endpoint (OpenAI-compatible servers such as vLLM or OpenAI serve many models behind one URL). When a
 * profile has the name given, the profile wins. Roles the run leaves out keep the server's configuration. API
 * clients never give a URL or a key, so a run cannot send the server's credentials elsewhere or make it call an
 * address of the client's choosing.
 */
public final class RunModels {
    private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,199}");

    /**
     * What a run uses for one role: a profile (then {@code model} is the profile's model) or, when {@code profile}
     * is null, the model {@code model} at the role's configured endpoint.
     */
    public record Choice(String model, String profile) {
        public Choice {
            if (model == null || model.isBlank()) {
                throw new IllegalArgumentException("a model choice needs a model name");
            }
            if (profile != null && profile.isBlank()) {
                profile = null;
            }
        }
    }

    private final ModelSettings settings;
    private final boolean anyModel;
    private final LlmMetrics metrics;

    /**
     * @param authenticated whether the server authenticates its clients: then, unless
     *                      {@code casebook.models.allowed-models} says otherwise, plain names are limited to the
     *                      configured roles' models ({@link ModelSettings})
     */
    public RunModels(ModelSettings settings, boolean authenticated) {
        this(settings, authenticated, LlmMetrics.NONE);
    }

    /** As {@link #RunModels(ModelSettings, boolean)}; the models built for runs and jobs count their calls here. */
    public RunModels(ModelSettings settings, boolean authenticated, LlmMetrics metrics) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.anyModel = settings.allowedModels().contains("*")
                || (settings.allowedModels().isEmpty() && !authenticated);
    }

    /** Where the LLM calls of the models built for runs and jobs are counted. */
    public LlmMetrics metrics() {
        return metrics;
    }

    /**
     * Every role's choice: the requested ones resolved, the others the server's (a role the server has not
     * configured and the run does not name is left out).
     *
     * @param requested role to profile or model name; null for none
     * @throws IllegalArgumentException with a message for the API client: an unknown role, a blank or malformed
     *                                  name, or a plain model name for a role without a configured endpoint
     */
    public Map<String, Choice> choose(Map<String, String> requested) {
        return choose(requested, ModelRole.RUN);
    }

    /**
     * As {@link #choose(Map)} over these roles (e.g. {@link ModelRole#DREAM}, which adds the experience
     * model); a requested role outside them is unknown.
     */
    public Map<String, Choice> choose(Map<String, String> requested, List<ModelRole> roles) {
        Map<String, String> asked = requested == null ? Map.of() : requested;
        for (String role : asked.keySet()) {
            if (roles.stream().noneMatch(r -> r.wireName().equals(role))) {
                throw new IllegalArgumentException("field 'models' names an unknown role '" + role + "'; roles: "
                        + roles);
            }
        }
        Map<String, Choice> choices = new LinkedHashMap<>();
        for (ModelRole modelRole : roles) {
            String role = modelRole.wireName();
            String name = asked.get(role);
            ModelSettings.Role configured = settings.role(modelRole);
            if (name == null) {
                if (configured.configured()) {
                    choices.put(role, new Choice(configured.model(), null));
                }
            } else if (settings.profiles().containsKey(name)) {
                choices.put(role, new Choice(settings.profiles().get(name).model(), name));
            } else if (!MODEL_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("field 'models." + role + "' must be a model profile "
                        + profileList() + " or a model name (letters, digits and ._:/@+-, at most 200), was '"
                        + name + "'");
            } else if (!configured.configured()) {
                throw new IllegalArgumentException("field 'models." + role + "': '" + name + "' is no model profile "
                        + profileList() + ", and the " + role + " has no configured endpoint to ask for it"
                        + " (casebook.models." + role + ".base-url)");
            } else if (!allowed(name)) {
                throw new IllegalArgumentException("field 'models." + role + "': the model '" + name + "' is not "
                        + "allowed on this server; name a model profile " + profileList() + " or one of the allowed "
                        + "models " + allowedList() + " (the operator lists more in casebook.models.allowed-models)");
            } else {
                choices.put(role, new Choice(name, null));
            }
        }
        return choices;
    }

    /**
     * The endpoint and model of a role for a choice, e.g. of a run stored before a restart; the server's when there
     * is no choice.
     *
     * @throws IllegalStateException when the choice's profile is no longer configured, or the role has no endpoint
     */
    public ModelSettings.Role role(ModelRole role, Choice choice) {
        ModelSettings.Role configured = settings.role(role);
        if (choice == null) {
            return configured;
        }
        if (choice.profile() != null) {
            ModelSettings.Role profile = settings.profiles().get(choice.profile());
            if (profile == null) {
                throw new IllegalStateException("the model profile '" + choice.profile() + "' of the " + role
                        + " is no longer configured in casebook.models.profiles " + profileList());
            }
            return profile;
        }
        if (!configured.configured()) {
            throw new IllegalStateException("the " + role + " has no configured endpoint (casebook.models." + role
                    + ".base-url) to ask for model '" + choice.model() + "'");
        }
        return configured.withModel(choice.model());
    }

    /** The three roles' endpoints and models for these choices, in {@link ModelRole#RUN} order. */
    public List<ModelSettings.Role> roles(Map<String, Choice> choices) {
        return ModelRole.RUN.stream().map(role -> role(role, choices.get(role.wireName()))).toList();
    }

    /** The server's own models, in {@link ModelRole#RUN} order. */
    public List<ModelSettings.Role> configured() {
        return ModelRole.RUN.stream().map(settings::role).toList();
    }

    /** The model name of each chosen role: what a run stores and shows (never a URL or key). */
    public static Map<String, String> modelNames(Map<String, Choice> choices) {
        Map<String, String> names = new LinkedHashMap<>();
        choices.forEach((role, choice) -> names.put(role, choice.model()));
        return names;
    }

    /** The profile of each chosen role that uses one. */
    public static Map<String, String> profileNames(Map<String, Choice> choices) {
        Map<String, String> names = new LinkedHashMap<>();
        choices.forEach((role, choice) -> {
            if (choice.profile() != null) {
                names.put(role, choice.profile());
            }
        });
        return names;
    }

    /** The choices stored as {@link #modelNames} and {@link #profileNames}, e.g. of a run resumed after a restart. */
    public static Map<String, Choice> choices(Map<String, String> models, Map<String, String> profiles) {
        Map<String, Choice> choices = new LinkedHashMap<>();
        models.forEach((role, model) -> choices.put(role, new Choice(model, profiles.get(role))));
        return choices;
    }

    /** A plain model name a run may ask for: any when so configured, else a configured role's or a listed one. */
    private boolean allowed(String name) {
        return anyModel || configuredModels().contains(name) || settings.allowedModels().contains(name);
    }

    private SortedSet<String> configuredModels() {
        SortedSet<String> names = new TreeSet<>();
        for (ModelRole role : ModelRole.DREAM) {
            if (settings.role(role).configured()) {
                names.add(settings.role(role).model());
            }
        }
        return names;
    }

    private String allowedList() {
        SortedSet<String> names = configuredModels();
        names.addAll(settings.allowedModels());
        return "(" + String.join(", ", names) + ")";
    }

    private String profileList() {
        return "(known profiles: " + (settings.profiles().isEmpty() ? "none" : String.join(", ",
                settings.profiles().keySet())) + ")";
    }
}
