package dev.casebook.server.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.memory.policy.learned.LearnedPolicy;
import dev.casebook.server.CasebookApplication;
import dev.casebook.testkit.http.TestClient;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A server in this JVM whose default policy is the learned one, its cases in Lucene, its database a fresh in-memory
 * H2 and its planner the scripted LLM: the server of the tests that read which weight each reward trained the
 * policy at ({@code policy_replay.weight}, where every example it trains on is kept).
 */
public final class LearnedPolicyServer implements AutoCloseable {
    private final ConfigurableApplicationContext context;

    private LearnedPolicyServer(ConfigurableApplicationContext context) {
        this.context = context;
    }

    /** Starts a server named {@code name} (its database and directories) with {@code more} arguments after ours. */
    public static LearnedPolicyServer start(String name, ScriptedLlmServer llm, String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--spring.datasource.url=jdbc:h2:mem:" + name + "-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
                "--casebook.memory.store=lucene",
                "--casebook.memory.dir=target/cases-" + UUID.randomUUID(),
                "--casebook.memory.policy=learned",
                "--casebook.memory.learned.checkpoint-dir=" + Files.createTempDirectory(name),
                "--casebook.attachments.dir=target/attachments-" + UUID.randomUUID(),
                "--casebook.models.planner.base-url=" + llm.baseUrl(),
                "--casebook.models.planner.model=scripted-planner",
                "--casebook.models.planner.timeout=60s",
                "--casebook.models.planner.max-retries=0"));
        args.addAll(List.of(more));
        return new LearnedPolicyServer(new SpringApplicationBuilder(CasebookApplication.class)
                .run(args.toArray(String[]::new)));
    }

    public TestClient api() {
        return new TestClient(context.getEnvironment().getRequiredProperty("local.server.port", Integer.class));
    }

    /** Once the policy has trained on every example it was given: their weights, in the order they were kept. */
    public List<Double> trainedWeights() throws InterruptedException {
        assertThat(context.getBean(LearnedPolicy.class).awaitTrainingIdle(Duration.ofMinutes(1)))
                .as("the learned policy's training went idle").isTrue();
        return context.getBean(JdbcTemplate.class).queryForList("SELECT weight FROM policy_replay ORDER BY id",
                Double.class);
    }

    @Override
    public void close() {
        context.close();
    }
}
