package dev.casebook.server.tasks;

import dev.casebook.server.CasebookApplication;
import dev.casebook.server.agent.Agent;
import dev.casebook.server.security.ApiKeys;
import dev.casebook.testkit.http.TestClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;

/**
 * One server of the queue tests, started as a Spring context of its own with a test agent: several of them on one
 * database are replicas. Auth is on (one tenant); leases are renewed every 300 ms and queued tasks polled every
 * 100 ms. The lease (30 s) outlasts any stall of a live replica on a loaded machine: tests that need a lease to run
 * out set it in the past themselves.
 */
final class Replica implements AutoCloseable {
    static final String KEY = "key-of-the-queue-tests";

    final String instance;
    final ConfigurableApplicationContext context;

    private Replica(String instance, ConfigurableApplicationContext context) {
        this.instance = instance;
        this.context = context;
    }

    /** A replica on the database at {@code url}; {@code extra} are more {@code --key=value} arguments. */
    static Replica start(String url, String user, String password, String schema, String instance, Agent agent,
            String... extra) {
        Map<String, String> args = new LinkedHashMap<>();
        args.put("server.port", "0");
        args.put("spring.datasource.url", url);
        args.put("spring.datasource.username", user);
        args.put("spring.datasource.password", password);
        if (schema != null) {
            args.put("spring.flyway.schemas", schema);
        }
        args.put("casebook.tasks.instance-id", instance);
        args.put("casebook.tasks.lease", "30s");
        args.put("casebook.tasks.renew-interval", "300ms");
        args.put("casebook.tasks.poll-interval", "100ms");
        args.put("casebook.attachments.dir", "target/attachments-queue");
        args.put("casebook.memory.store", "none");
        args.put("casebook.evaluation.upload-dir", "target/datasets-" + instance);
        args.put("casebook.security.enabled", "true");
        args.put("casebook.security.api-keys[0].tenant", "queue");
        args.put("casebook.security.api-keys[0].sha256", ApiKeys.sha256(KEY));
        for (String arg : extra) { // --key=value, replacing a default (a repeated option would join its values)
            int eq = arg.indexOf('=');
            args.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        List<String> argv = new ArrayList<>();
        args.forEach((k, v) -> argv.add("--" + k + "=" + v));
        ConfigurableApplicationContext context = new SpringApplicationBuilder(CasebookApplication.class)
                .initializers(c -> ((GenericApplicationContext) c).registerBean(Agent.class, () -> agent))
                .run(argv.toArray(String[]::new));
        return new Replica(instance, context);
    }

    TestClient api() {
        return new TestClient(Integer.parseInt(context.getEnvironment().getProperty("local.server.port")), KEY);
    }

    <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    /** Submits a task (memory off) and returns its id. */
    String submit(String text) {
        TestClient.Reply r = api().post("/api/tasks", "{\"text\":\"" + text + "\",\"memoryMode\":\"off\"}");
        if (r.status() != 202) {
            throw new AssertionError("submitting '" + text + "' to " + instance + ": " + r.status() + " " + r.body());
        }
        return r.json().get("id").asString();
    }

    /** Stops the server gracefully (its running tasks are given back). */
    @Override
    public void close() {
        context.close();
    }
}
