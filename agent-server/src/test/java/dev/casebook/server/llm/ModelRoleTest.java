package dev.casebook.server.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ModelRoleTest {
    @Test
    void roles_have_the_wire_names_of_settings_requests_and_metrics() {
        assertThat(Arrays.stream(ModelRole.values()).map(ModelRole::wireName))
                .containsExactly("planner", "executor", "judge", "experience");
        assertThat(ModelRole.RUN).hasToString("[planner, executor, judge]");
        assertThat(ModelRole.DREAM).hasToString("[planner, executor, judge, experience]");
        for (ModelRole role : ModelRole.values()) {
            assertThat(ModelRole.parse(role.wireName())).isSameAs(role);
        }
    }

    @Test
    void refuses_an_unknown_role_naming_the_roles_there_are() {
        assertThatThrownBy(() -> ModelRole.parse("PLANNER")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown role 'PLANNER'; roles: [planner, executor, judge, experience]");
    }
}
