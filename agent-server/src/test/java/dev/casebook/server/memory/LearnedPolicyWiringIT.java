package dev.casebook.server.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.memory.policy.learned.LearnedPolicy;
import dev.casebook.server.CasebookApplication;
import dev.casebook.server.agent.AgentMemory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** {@code casebook.memory.policy=learned} makes the learned policy the default; a bad checkpoint falls back. */
class LearnedPolicyWiringIT {

    private static ConfigurableApplicationContext start(String policy, Path checkpoints) {
        return new SpringApplicationBuilder(CasebookApplication.class).run(
                "--server.port=0",
                "--spring.datasource.url=jdbc:h2:mem:learned-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
                "--casebook.memory.store=lucene",
                "--casebook.memory.dir=target/cases-" + UUID.randomUUID(),
                "--casebook.memory.policy=" + policy,
                "--casebook.memory.learned.checkpoint-dir=" + checkpoints);
    }

    @Test
    void the_learned_policy_is_the_default_when_configured() throws Exception {
        Path checkpoints = Files.createTempDirectory("learned-wiring");
        try (ConfigurableApplicationContext context = start("learned", checkpoints)) {
            AgentMemory memory = context.getBean(AgentMemory.class);
            assertThat(memory.defaultPolicy()).isEqualTo("learned");
            assertThat(memory.policies()).containsKeys("learned", "similarity");
            LearnedPolicy learned = (LearnedPolicy) memory.policies().get("learned");
            assertThat(learned.status().learning()).isTrue();
        }
    }

    @Test
    void a_corrupt_checkpoint_leaves_the_server_up_selecting_by_similarity() throws Exception {
        Path checkpoints = Files.createTempDirectory("learned-wiring");
        Files.writeString(checkpoints.resolve("q-network.json"), "{");
        try (ConfigurableApplicationContext context = start("learned", checkpoints)) {
            LearnedPolicy learned = context.getBean(LearnedPolicy.class);
            assertThat(learned.status().learning()).isFalse();
            assertThat(learned.status().fallbackReason()).startsWith("refusing checkpoint " + checkpoints
                    + ": corrupt header q-network.json");
        }
    }

    @Test
    void the_similarity_default_creates_no_learned_policy() throws Exception {
        try (ConfigurableApplicationContext context = start("similarity", Files.createTempDirectory("unused"))) {
            assertThat(context.getBeansOfType(LearnedPolicy.class)).isEmpty();
            assertThat(context.getBean(AgentMemory.class).defaultPolicy()).isEqualTo("similarity");
        }
    }
}
