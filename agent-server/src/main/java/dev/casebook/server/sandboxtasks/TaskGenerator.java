package dev.casebook.server.sandboxtasks;

import dev.casebook.server.llm.LlmCall;
import dev.casebook.server.llm.LlmClient;
import dev.casebook.server.llm.LlmException;
import dev.casebook.server.llm.LlmReply;
import dev.casebook.tools.tasks.SandboxTask;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The interaction {@code generate-task}: asks the generator model (the job's planner) for one task of the job's
 * domain at the round's difficulty, with its input files, validator and reference solution, as one JSON object of
 * exactly these fields ({@link TaskJson}). A reply that is not a valid task is sent back with the reason, up to {@code attempts} replies
 * in all. The model is shown the job's earlier tasks and what became of them, so that it writes a different one and
 * learns which of its validators were discarded.
 */
final class TaskGenerator {
    static final String SYSTEM = """
            You write practice tasks for an AI agent. The agent works in a workspace directory with a Python code \
            tool (Python 3 standard library only; no network, nothing can be installed) and ends with a short final \
            answer. Every task must be solvable inside that workspace and checkable by a program.
            Reply with one JSON object and nothing else:
            {"statement": "...", "files": {"input.csv": "..."}, "validator": "...", "reference": "...", "difficulty": 2}
            - statement: the task as the agent reads it. Name every input file it uses and every output file it must \
            write, with the exact format expected.
            - files: the input files placed in the workspace before the agent starts: relative path to text content \
            ({} for none).
            - validator: a Python 3 program that checks the result. It runs in the workspace after the agent is \
            done; sys.argv[1] is the path of a file holding the agent's final answer as text. It exits 0 when the \
            task is solved; otherwise it exits 1 with a message saying what is wrong (a failed assert or a missing \
            file counts as not solved; any other exception is a broken validator). It must not use the network.
            - reference: a Python 3 program that solves the task in the workspace; what it prints is its final answer.
            - difficulty: your own estimate, 1 (a single simple step) to 5 (several steps with edge cases).
            The validator must pass the reference solution's result and must fail when nothing was done, so it has \
            to check the outputs themselves, not only that they exist.""";

    static final String REQUEST = """
            Domain: %s
            Difficulty wanted: %d of 5
            This is task %d of %d of this job.
            %s""";

    static final String EARLIER = """
            Tasks this job already has (write a different one):
            %s""";

    static final String CORRECTION = """
            That reply is not a valid task: %s.
            Reply again with only the JSON object with the fields %s.""";

    /** What the generator produced for one slot. */
    sealed interface Generated {
        long tokens();

        record Proposed(SandboxTask task, long tokens) implements Generated {
        }

        /** No usable task: {@code invalid_task} (no valid reply), or the LLM failure's reason. */
        record Unusable(String reason, String detail, long tokens) implements Generated {
        }
    }

    /** An earlier task of the job as the generator is shown it. */
    record Earlier(String statement, String outcome) {
    }

    private final LlmClient generator;
    private final int attempts;
    private final Duration callTimeout;

    TaskGenerator(LlmClient generator, int attempts, Duration callTimeout) {
        this.generator = generator;
        this.attempts = attempts;
        this.callTimeout = callTimeout;
    }

    Generated generate(String domain, int difficulty, int number, int of, List<Earlier> earlier)
            throws InterruptedException {
        List<ChatMessage> messages = new ArrayList<>(List.of(SystemMessage.from(SYSTEM),
                UserMessage.from(REQUEST.formatted(domain, difficulty, number, of, describe(earlier)).strip())));
        long tokens = 0;
        String problem = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            LlmReply reply;
            try {
                reply = generator.chat(LlmCall.json("generate-task", messages, Instant.now().plus(callTimeout),
                        TaskJson.SCHEMA));
            } catch (LlmException e) {
                return new Generated.Unusable(e.kind().reason(), e.getMessage(), tokens);
            }
            tokens += reply.tokens();
            try {
                return new Generated.Proposed(TaskJson.parse(reply.text()), tokens);
            } catch (TaskJson.Invalid e) {
                problem = e.getMessage();
                messages.add(AiMessage.from(reply.text().isBlank() ? "(empty reply)" : reply.text()));
                messages.add(UserMessage.from(CORRECTION.formatted(problem, TaskJson.FIELDS_TEXT)));
            }
        }
        return new Generated.Unusable("invalid_task", "the generator gave no valid task in " + attempts
                + " attempt" + (attempts == 1 ? "" : "s") + "; the last reply: " + problem, tokens);
    }

    private static String describe(List<Earlier> earlier) {
        if (earlier.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (Earlier task : earlier) {
            out.append("- ").append(oneLine(task.statement())).append(" [").append(task.outcome()).append("]\n");
        }
        return EARLIER.formatted(out.toString().strip());
    }

    private static String oneLine(String text) {
        String line = text.replaceAll("\\s+", " ").strip();
        return line.length() <= 200 ? line : line.substring(0, 200) + "...";
    }
}
