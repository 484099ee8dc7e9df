package dev.casebook.bench.process;

import dev.casebook.testkit.llm.LlmRequest;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/**
 * The scripted LLM server of the throughput benchmarks, in a JVM of its own ({@link #start}), so that the Casebook
 * server's CPU is measured without it. Scripts: {@code agent} (plan → one calculator call → its result → the answer:
 * 4 calls a task) and {@code evaluation} (one planner call answering at once), each reply after the latency given.
 * The child reads commands from its standard input: {@code calls} prints the number of chat completions served since
 * the last {@code calls} (start-up probes not counted); end of input stops it.
 */
public final class ScriptedLlmProcess implements AutoCloseable {
    private static final Predicate<LlmRequest> NOT_PROBE = Match.interaction(ScriptedLlmServer.PROBE).negate();

    private final ChildJvm jvm;
    private final PrintWriter commands;
    private final BufferedReader answers;
    private final String baseUrl;

    private ScriptedLlmProcess(ChildJvm jvm) throws IOException {
        this.jvm = jvm;
        this.commands = new PrintWriter(new OutputStreamWriter(jvm.process().getOutputStream(), StandardCharsets.UTF_8),
                true);
        this.answers = new BufferedReader(new InputStreamReader(jvm.process().getInputStream(), StandardCharsets.UTF_8));
        String first = answers.readLine();
        if (first == null || !first.startsWith("url ")) {
            throw new IllegalStateException("the scripted LLM process did not start: " + first);
        }
        this.baseUrl = first.substring(4);
    }

    /** Starts the child JVM serving {@code script} with replies after {@code latency}. */
    public static ScriptedLlmProcess start(String script, Duration latency) throws IOException {
        return new ScriptedLlmProcess(ChildJvm.start("scripted LLM server",
                List.of("-Xmx1g", "-XX:+UseSerialGC", "-Dsun.net.httpserver.maxIdleConnections=4096"),
                ScriptedLlmProcess.class.getName(), List.of(script, Long.toString(latency.toMillis())),
                null));
    }

    public String baseUrl() {
        return baseUrl;
    }

    public double cpuMillis() {
        return jvm.cpuMillis();
    }

    /** Chat completions served since the last call (or since start). */
    public synchronized long takeCalls() throws IOException {
        commands.println("calls");
        String line = answers.readLine();
        if (line == null) {
            throw new IllegalStateException("the scripted LLM process ended");
        }
        return Long.parseLong(line.strip());
    }

    @Override
    public void close() throws InterruptedException {
        commands.close();
        jvm.close();
    }

    public static void main(String[] args) throws IOException {
        String script = args[0];
        Duration latency = Duration.ofMillis(Long.parseLong(args[1]));
        try (ScriptedLlmServer llm = ScriptedLlmServer.start()) {
            script(llm, script, latency);
            System.out.println("url " + llm.baseUrl());
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                if (line.strip().equals("calls")) {
                    // forget what was recorded (the server keeps every request), keeping the rules
                    long calls = llm.requests(NOT_PROBE).size();
                    llm.reset();
                    script(llm, script, latency);
                    System.out.println(calls);
                    System.out.flush();
                }
            }
        }
    }

    private static void script(ScriptedLlmServer llm, String script, Duration l) {
        switch (script) {
            case "agent" -> {
                llm.when(Match.interaction("plan")).reply(Reply.text("{\"subtasks\": [\"compute 6*7\"]}").after(l));
                llm.when(Match.interaction("execute").and(Match.afterToolResult().negate()))
                        .reply(Reply.toolCall("calculator", "{\"expression\": \"6*7\"}").after(l));
                llm.when(Match.interaction("execute").and(Match.afterToolResult())).reply(Reply.text("42").after(l));
                llm.when(Match.interaction("replan")).reply(Reply.text("{\"answer\": \"42\"}").after(l));
            }
            case "evaluation" -> llm.when(Match.interaction("plan"))
                    .reply(Reply.text("{\"answer\": \"FINAL ANSWER: scripted\"}").after(l));
            default -> throw new IllegalArgumentException("script must be agent or evaluation, was " + script);
        }
    }

}
