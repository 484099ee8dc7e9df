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
 * learns which of its validators were discarded. A task the sandbox did not keep goes back to the same conversation
 * with the programs' output ({@link Session#repair}, interaction {@code repair-task}).
 */
final class TaskGenerator {
    static final String SYSTEM = """
            You write practice tasks for an AI agent. The agent works in a workspace directory with a Python code \
            tool (Python 3 standard library only; no network, nothing can be installed) and ends with a short final \
            answer. Every task must be solvable inside that workspace and checkable by a program.
            Reply with one JSON object and nothing else:
            {"statement": "...", "files": {"input.csv": "..."}, "validator": "...", "reference": "...", "near_miss": "...", \
            "difficulty": 2}
            - statement: the task as the agent reads it. Name every input file it uses and every output file it must \
            write, with the exact format expected.
            - files: the input files placed in the workspace before the agent starts: relative path to text content \
            ({} for none).
            - validator: a Python 3 program that checks the result. It runs in the workspace after the agent is \
            done; sys.argv[1] is the path of a file holding the agent's final answer as text. It exits 0 when the \
            task is solved; otherwise it exits 1 with a message saying what is wrong (a failed assert or a missing \
            file counts as not solved; any other exception is a broken validator). It must not use the network.
            - reference: a Python 3 program that solves the task in the workspace; what it prints is its final answer.
            - near_miss: a Python 3 program like the reference but with a plausible mistake an agent could make (an \
            off-by-one, a missed edge case, a wrong format); the validator must reject its result.
            - difficulty: your own estimate, 1 (a single simple step) to 5 (several steps with edge cases).
            The validator must pass the reference solution's result and must fail when nothing was done and on the \
            near-miss's result, so it has to check the outputs themselves, not only that they exist.""";

    static final String REQUEST = """
            Domain: %s
            Difficulty wanted: %d of 5
            This is task %d of %d of this job.
            %s""";

    static final String EARLIER = """
            Tasks this job already has (write a different one):
            %s""";

    /** Sent back when the sandbox did not keep the task: the reason and what the programs printed. */
    static final String REPAIR = """
            The sandbox ran your task's programs and did not keep the task (%s): %s
            Repair the task so that the validator passes the reference solution's result and fails both a workspace \
            where nothing was done and the near-miss's result. Reply again with only the whole JSON object with the \
            fields %s.""";

    static final int MAX_REPAIR_DETAIL_CHARS = 4_000;

    static final String CORRECTION = """
            That reply is not a valid task: %s.
            Reply again with only the JSON object with the fields %s.""";

    /** What the generator produced for one slot. */
    sealed interface Generated {
        long tokens();

        record Proposed(SandboxTask task, String nearMiss, long tokens) implements Generated {
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

    /** A one-slot conversation with the generator: a first task, then repairs of it with the sandbox's output. */
    Session open(String domain, int difficulty, int number, int of, List<Earlier> earlier, String extra) {
        return new Session(new ArrayList<>(List.of(SystemMessage.from(SYSTEM),
                UserMessage.from((REQUEST.formatted(domain, difficulty, number, of, describe(earlier)).strip()
                        + (extra == null || extra.isBlank() ? "" : "\n" + extra.strip())).strip()))));
    }

    Generated generate(String domain, int difficulty, int number, int of, List<Earlier> earlier)
            throws InterruptedException {
        return open(domain, difficulty, number, of, earlier, null).first();
    }

    /** One slot's conversation; {@link Generated#tokens()} counts all of its replies so far. */
    final class Session {
        private final List<ChatMessage> messages;
        private long tokens;
        private String lastTask;

        private Session(List<ChatMessage> messages) {
            this.messages = messages;
        }

        Generated first() throws InterruptedException {
            return ask("generate-task");
        }

        /** Sends the last task back with why the sandbox did not keep it (interaction {@code repair-task}). */
        Generated repair(String reason, String detail) throws InterruptedException {
            messages.add(AiMessage.from(lastTask == null ? "(no task)" : lastTask));
            String shown = detail == null ? "" : detail.length() <= MAX_REPAIR_DETAIL_CHARS ? detail
                    : detail.substring(0, MAX_REPAIR_DETAIL_CHARS) + "\n[cut]";
            messages.add(UserMessage.from(REPAIR.formatted(reason, shown, TaskJson.FIELDS_TEXT)));
            return ask("repair-task");
        }

        private Generated ask(String interaction) throws InterruptedException {
            String problem = null;
            for (int attempt = 1; attempt <= attempts; attempt++) {
                LlmReply reply;
                try {
                    reply = generator.chat(LlmCall.json(interaction, messages, Instant.now().plus(callTimeout),
                            TaskJson.SCHEMA));
                } catch (LlmException e) {
                    return new Generated.Unusable(e.kind().reason(), e.getMessage(), tokens);
                }
                tokens += reply.tokens();
                try {
                    TaskJson.Parsed parsed = TaskJson.parse(reply.text());
                    lastTask = reply.text();
                    return new Generated.Proposed(parsed.task(), parsed.nearMiss(), tokens);
                } catch (TaskJson.Invalid e) {
                    problem = e.getMessage();
                    messages.add(AiMessage.from(reply.text().isBlank() ? "(empty reply)" : reply.text()));
                    messages.add(UserMessage.from(CORRECTION.formatted(problem, TaskJson.FIELDS_TEXT)));
                }
            }
            return new Generated.Unusable("invalid_task", "the generator gave no valid task in " + attempts
                    + " attempt" + (attempts == 1 ? "" : "s") + "; the last reply: " + problem, tokens);
        }
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
