package dev.casebook.server.sandboxtasks;

import static dev.casebook.testkit.llm.Match.task;

import dev.casebook.testkit.llm.LlmRequest;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Scripts of the scripted LLM server for sandbox task jobs: the generator of a domain, the agent (plan, one
 * execute_code call, answer) and the failure analysis of a task, each matched by the task's marker (the start of
 * its statement), so tests do not see each other's requests.
 */
record Scripts(ScriptedLlmServer llm) {
    static final JsonMapper JSON = JsonMapper.builder().build();

    static final String SUM_VALIDATOR = """
            with open("sum.txt") as f:
                value = f.read().strip()
            assert value == "12", "sum.txt holds %r, expected 12" % value
            """;
    static final String SUM_REFERENCE = """
            total = sum(int(line) for line in open("numbers.txt") if line.strip())
            open("sum.txt", "w").write(str(total))
            print(total)
            """;

    /** A plausible wrong solution of the sum task: off by one, which the validator rejects. */
    static final String SUM_NEAR_MISS = """
            total = sum(int(line) for line in open("numbers.txt") if line.strip()) + 1
            open("sum.txt", "w").write(str(total))
            print(total)
            """;

    static String json(Object value) {
        return JSON.writeValueAsString(value);
    }

    /** A good task: its validator passes the reference's sum.txt and fails when there is none. */
    static Map<String, Object> sumTask(String marker) {
        return Map.of("statement", marker + " Write the sum of the numbers in numbers.txt to sum.txt.",
                "files", Map.of("numbers.txt", "3\n4\n5\n"), "validator", SUM_VALIDATOR, "reference", SUM_REFERENCE,
                "near_miss", SUM_NEAR_MISS, "difficulty", 2);
    }

    /** The generator of {@code domain} answers each request with the task {@code task} makes of it. */
    void generator(String domain, Function<LlmRequest, Map<String, Object>> task) {
        llm.when(Match.interaction("generate-task").and(Match.lastUserMessageContains("Domain: " + domain)))
                .reply(Reply.dynamic(request -> Reply.text(json(task.apply(request)))));
    }

    /** The agent plans one subtask, runs {@code code} with execute_code, and answers {@code answer}. */
    void agent(String marker, String code, String answer) {
        llm.when(Match.interaction("plan").and(task(marker)))
                .reply(Reply.text("{\"subtasks\": [\"Write the result file with execute_code\"]}"));
        llm.when(Match.interaction("execute").and(task(marker)).and(Match.afterToolResult().negate()))
                .reply(Reply.toolCall("execute_code", json(Map.of("language", "python", "code", code))));
        llm.when(Match.interaction("execute").and(task(marker)).and(Match.afterToolResult()))
                .reply(Reply.text("The file is written."));
        llm.when(Match.interaction("replan").and(task(marker)))
                .reply(Reply.text("{\"answer\": \"FINAL ANSWER: " + answer + "\"}"));
    }

    void triage(String marker, Reply first, Reply... more) {
        llm.when(Match.interaction("triage").and(task(marker))).reply(first, more);
    }

    void analysis(String marker, String lesson) {
        llm.when(Match.interaction("failure-analysis").and(task(marker))).reply(Reply.text(lesson));
    }

    /** The last user message of each request of this interaction that {@code which} matches, in arrival order. */
    List<String> prompts(String interaction, Predicate<LlmRequest> which) {
        List<String> prompts = new ArrayList<>();
        llm.requests(Match.interaction(interaction).and(which)).forEach(r -> prompts.add(r.lastUserMessage()));
        return prompts;
    }
}
