package dev.casebook.server.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunModelsTest {
    static final ModelSettings.Role PLANNER = new ModelSettings.Role(null, "http://llm/v1", "k", "base", null, null, null);
    static final ModelSettings.Role BIG = new ModelSettings.Role(null, "http://big/v1", "big-key", "big-model", null, null, null);

    final RunModels models = new RunModels(new ModelSettings(PLANNER, null, null, null, Map.of("big", BIG, "other", BIG), null), false);

    @Test
    void roles_left_out_keep_the_servers_model_and_a_plain_name_is_asked_of_the_roles_endpoint() {
        var choices = models.choose(Map.of("executor", "small"));

        assertThat(choices).containsExactly(Map.entry("planner", new RunModels.Choice("base", null)),
                Map.entry("executor", new RunModels.Choice("small", null)),
                Map.entry("judge", new RunModels.Choice("base", null)));
        assertThat(models.roles(choices)).containsExactly(PLANNER, PLANNER.withModel("small"), PLANNER);
        assertThat(models.roles(models.choose(null))).isEqualTo(models.configured());
    }

    @Test
    void a_profile_wins_over_a_model_of_the_same_name() {
        var choices = models.choose(Map.of("judge", "big"));

        assertThat(choices.get("judge")).isEqualTo(new RunModels.Choice("big-model", "big"));
        assertThat(models.role(ModelRole.JUDGE, choices.get("judge"))).isEqualTo(BIG);
    }

    @Test
    void refuses_unknown_roles_malformed_names_and_plain_names_for_a_role_without_an_endpoint() {
        assertThatThrownBy(() -> models.choose(Map.of("critic", "big")))
                .hasMessage("field 'models' names an unknown role 'critic'; roles: [planner, executor, judge]");
        assertThatThrownBy(() -> models.choose(Map.of("planner", "a b")))
                .hasMessageStartingWith("field 'models.planner' must be a model profile (known profiles: big, other) or a model name");
        RunModels unconfigured = new RunModels(new ModelSettings(null, null, null, null, Map.of("big", BIG), null), false);
        assertThatThrownBy(() -> unconfigured.choose(Map.of("planner", "gpt-4o")))
                .hasMessage("field 'models.planner': 'gpt-4o' is no model profile (known profiles: big), and the planner"
                        + " has no configured endpoint to ask for it (casebook.models.planner.base-url)");
        assertThat(unconfigured.choose(Map.of("planner", "big"))).containsOnlyKeys("planner");
    }

    @Test
    void with_authentication_on_plain_names_are_the_configured_models_and_the_allowed_ones() {
        var judge = new ModelSettings.Role(null, null, null, "judge-model", null, null, null);
        RunModels authenticated = new RunModels(new ModelSettings(PLANNER, null, judge, null, Map.of("big", BIG),
                null), true);

        assertThat(authenticated.choose(Map.of("planner", "judge-model")).get("planner"))
                .isEqualTo(new RunModels.Choice("judge-model", null));
        assertThat(authenticated.choose(Map.of("planner", "big")).get("planner").profile()).isEqualTo("big");
        assertThatThrownBy(() -> authenticated.choose(Map.of("executor", "gpt-5-pro")))
                .hasMessage("field 'models.executor': the model 'gpt-5-pro' is not allowed on this server; name a "
                        + "model profile (known profiles: big) or one of the allowed models (base, judge-model) (the "
                        + "operator lists more in casebook.models.allowed-models)");

        RunModels listed = new RunModels(new ModelSettings(PLANNER, null, null, null, null,
                List.of(" small ", "")), true);
        assertThat(listed.choose(Map.of("executor", "small")).get("executor").model()).isEqualTo("small");
        assertThatThrownBy(() -> listed.choose(Map.of("executor", "large"))).hasMessageContaining("(base, small)");
        RunModels any = new RunModels(new ModelSettings(PLANNER, null, null, null, null, List.of("*")),
                true);
        assertThat(any.choose(Map.of("executor", "large")).get("executor").model()).isEqualTo("large");
    }

    @Test
    void a_dream_job_may_choose_the_experience_model_and_an_evaluation_run_may_not() {
        var choices = models.choose(Map.of("experience", "big"), ModelRole.DREAM);

        assertThat(choices).containsOnlyKeys("planner", "executor", "judge", "experience");
        assertThat(models.role(ModelRole.EXPERIENCE, choices.get("experience"))).isEqualTo(BIG);
        assertThat(models.role(ModelRole.EXPERIENCE, null)).isEqualTo(PLANNER);
        assertThatThrownBy(() -> models.choose(Map.of("experience", "big")))
                .hasMessage("field 'models' names an unknown role 'experience'; roles: [planner, executor, judge]");
    }

    @Test
    void a_stored_choice_whose_profile_is_gone_cannot_be_served() {
        assertThatThrownBy(() -> models.role(ModelRole.PLANNER, new RunModels.Choice("x", "gone")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the model profile 'gone' of the planner is no longer configured in casebook.models.profiles"
                        + " (known profiles: big, other)");
    }

    @Test
    void a_profile_must_name_a_model_and_where_it_is() {
        var incomplete = new ModelSettings.Role(null, null, null, "m", null, null, null);
        assertThatThrownBy(() -> new ModelSettings(PLANNER, null, null, null, Map.of("half", incomplete), null))
                .hasMessage("casebook.models.profiles.half needs base-url (or provider ollama) and model");
    }

    @Test
    void a_role_shows_no_key() {
        assertThat(BIG.toString()).doesNotContain("big-key").contains("big-model", "http://big/v1");
    }
}
