package dev.casebook.systemtest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.casebook.systemtest.support.ServerProcess;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./casebook score} and {@code ./casebook eval} as a person runs them, from another directory than the
 * repository: relative paths are the caller's, standard output carries only the command's own output (JSONL for
 * score), informational lines go to standard error, and an unreachable server is named with the reason.
 */
class CasebookScriptIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path caller;

    @Test
    void score_reads_and_writes_paths_relative_to_the_callers_directory_and_prints_only_jsonl() throws Exception {
        Files.writeString(caller.resolve("in.jsonl"), """
                {"id": "t-1", "prediction": "8", "gold": "8"}
                {"id": "t-2", "prediction": "7", "gold": "1,234"}
                """);

        Result result = run("score", "--scorer", "gaia", "--gaia-submission", "submission.jsonl", "in.jsonl");

        assertThat(result.status()).as(result.stderr()).isZero();
        List<String> lines = result.stdout().lines().toList();
        assertThat(lines).hasSize(3);
        for (String line : lines) {
            assertThat(JSON.readTree(line).isObject()).as(line).isTrue();
        }
        assertThat(lines.getLast()).startsWith("{\"summary\":");
        assertThat(result.stderr()).contains("casebook: using JDK");
        assertThat(caller.resolve("submission.jsonl")).exists();
        assertThat(Files.readAllLines(caller.resolve("submission.jsonl"))).hasSize(2);
    }

    @Test
    void eval_against_an_unreachable_server_says_connection_refused() throws Exception {
        // bound but not listening: connections are refused, and no other process can take the port meanwhile
        try (Socket unreachable = new Socket()) {
            unreachable.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            String server = "http://127.0.0.1:" + unreachable.getLocalPort();

            Result result = run("eval", "--server", server, "--dataset", "questions.jsonl");

            assertThat(result.status()).isEqualTo(3);
            assertThat(result.stderr()).contains("eval: cannot reach " + server + ": connection refused");
            assertThat(result.stdout()).isEmpty();
        }
    }

    @Test
    void eval_downloads_results_csv_with_the_question_to_a_path_relative_to_the_caller() throws Exception {
        Path dataset = caller.resolve("questions.jsonl");
        Files.write(dataset, List.of(
                "{\"id\": \"q1\", \"question\": \"What is six times seven?\", \"answers\": [\"42\"]}",
                "{\"id\": \"q2\", \"question\": \"How many days in a week?\", \"answers\": [\"7\"]}"));
        try (ScriptedLlmServer llm = ScriptedLlmServer.start()) {
            llm.when(Match.interaction("plan")).reply(Reply.text("{\"subtasks\": [\"Recall the answer\"]}"));
            llm.when(Match.interaction("execute")).reply(Reply.text("The answer is 42."));
            llm.when(Match.interaction("replan").or(Match.interaction("answer")))
                    .reply(Reply.text("{\"answer\": \"FINAL ANSWER: 42\"}"));
            try (ServerProcess server = ServerProcess.builder("cli-eval")
                    .property("casebook.models.planner.base-url", llm.baseUrl())
                    .property("casebook.models.planner.model", "scripted-planner")
                    .start()) {
                Result result = run("eval", "--server", server.baseUrl(), "--dataset", dataset.toString(),
                        "--scorers", "squad", "--results-csv", "results.csv");

                assertThat(result.status()).as(result.stderr()).isZero();
                assertThat(result.stdout()).doesNotContain("casebook: using JDK");
                List<String> csv = Files.readAllLines(caller.resolve("results.csv"));
                assertThat(csv.getFirst()).startsWith("seq,epoch,attempt,item_id,group,question,outcome,");
                assertThat(csv).hasSize(3).anySatisfy(line -> assertThat(line).contains("q1,all,What is six times seven?,answered"));
            }
        }
    }

    /** Runs the repository's {@code casebook} script from the caller's directory, without JAVA_HOME (so it picks one). */
    private Result run(String... args) throws IOException, InterruptedException {
        Path stdout = Files.createTempFile("casebook-out-", ".txt");
        Path stderr = Files.createTempFile("casebook-err-", ".txt");
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("casebook").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(caller.toFile())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        builder.environment().remove("JAVA_HOME");
        Process process = builder.start();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("./casebook " + String.join(" ", args) + " did not finish in 10 minutes");
        }
        return new Result(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                Files.readString(stderr, StandardCharsets.UTF_8));
    }

    private record Result(int status, String stdout, String stderr) {
    }
}
