package dev.casebook.server.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.casebook.memory.CaseSource;
import dev.casebook.memory.MemoryMode;
import dev.casebook.memory.TaskKey;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TaskSpecTest {

    @Test
    void a_new_spec_has_the_defaults_of_a_submitted_task() {
        TaskSpec spec = TaskSpec.of("t1", "acme", "what is 6*7?");

        assertThat(spec.attachments()).isEmpty();
        assertThat(spec.memoryMode()).isEqualTo(MemoryMode.READ_WRITE);
        assertThat(spec.policy()).isNull();
        assertThat(spec.budgets()).isEqualTo(Budgets.DEFAULT);
        assertThat(spec.origin()).isEmpty();
        assertThat(spec.excludeOrigins()).isEmpty();
        assertThat(spec.excludeTasks()).isEmpty();
        assertThat(spec.source()).isEqualTo(CaseSource.REAL);
        assertThat(spec.conversation()).isEqualTo(Conversation.NONE);
        assertThat(spec.banks()).isEqualTo(MemoryBanks.DEFAULT);
    }

    @Test
    void each_wither_changes_its_component_only() {
        TaskSpec base = TaskSpec.of("t1", "acme", "what is 6*7?");
        MemoryBanks banks = new MemoryBanks("mine", Set.of("mine", "reference"));

        TaskSpec spec = base.withAttachments(List.of(Path.of("a.txt"))).withMemoryMode(MemoryMode.OFF)
                .withPolicy("learned").withOrigin("gaia:validation:1").withExcludeOrigins(Set.of("gaia:validation:1"))
                .withExcludeTasks(Set.of(TaskKey.of("what is 6*7?"))).withSource(CaseSource.SANDBOX)
                .withBanks(banks);

        assertThat(spec).isEqualTo(new TaskSpec("t1", "acme", "what is 6*7?", List.of(Path.of("a.txt")),
                MemoryMode.OFF, "learned", Budgets.DEFAULT, "gaia:validation:1", Set.of("gaia:validation:1"),
                Set.of(TaskKey.of("what is 6*7?")), CaseSource.SANDBOX, Conversation.NONE, banks));
        assertThat(base.withPolicy("learned")).isEqualTo(base.withPolicy(null).withPolicy("learned"))
                .isNotEqualTo(base);
    }

    @Test
    void withers_keep_the_checks_of_the_constructor() {
        TaskSpec spec = TaskSpec.of("t1", "acme", "what is 6*7?");

        assertThatThrownBy(() -> spec.withMemoryMode(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("memoryMode");
        assertThatThrownBy(() -> TaskSpec.of("t1", "acme", " ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("task text must not be blank");
        assertThat(spec.withOrigin(null).origin()).isEmpty();
        assertThat(spec.withConversation(null).conversation()).isEqualTo(Conversation.NONE);
    }
}
