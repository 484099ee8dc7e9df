package dev.casebook.server.lessons;

import dev.casebook.llm.ReplyJson;
import dev.casebook.server.llm.LlmCall;
import dev.casebook.server.llm.LlmClient;
import dev.casebook.server.llm.LlmException;
import dev.casebook.server.llm.LlmReply;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * The interaction {@code failure-analysis}: the analyst model is shown a passing and a failing attempt at the same
 * task (EvoCUA's contrastive pairs) and writes one short lesson for similar tasks: at the first step where the two
 * attempts differ, what to do instead. Shared by the groups of rollouts of sandbox tasks (a validator program gave
 * the verdicts; the analyst is the job's judge) and of dreamed tasks (the experience model gave them and analyses):
 * the {@link Setting} says who judged. The passing attempt is a rollout that passed or, for a sandbox task every
 * rollout failed, the task's reference solution. The lesson is the reply's text without its reasoning block (or the
 * {@code lesson} of a JSON object the reply holds), cut to {@link #MAX_LESSON_CHARS}; when the model gives no lesson
 * (no reply, a truncated one, an empty one) the lesson is the fallback, which says what the judge reported, so the
 * negative case still says why the attempt failed and never holds half a lesson.
 */
public final class FailureAnalysis {
    public static final int MAX_LESSON_CHARS = 1_000;

    /**
     * Who judged the attempts, as the analyst is told.
     *
     * @param system   the system prompt
     * @param attempts the user message, formatted with the task, the passing attempt's origin, plan, trace and answer,
     *                 the failing attempt's verdict, plan, trace and answer, and the judge's output
     * @param rejected how the fallback lesson begins: who rejected the attempt
     */
    public record Setting(String system, String attempts, String rejected) {
        public Setting {
            Objects.requireNonNull(system, "system");
            Objects.requireNonNull(attempts, "attempts");
            Objects.requireNonNull(rejected, "rejected");
        }
    }

    private static final String INSTRUCTION = """
            Find the first step where the failing attempt differs from the passing one and reply with one short \
            lesson, at most three sentences, that would make the agent succeed at this and similar tasks next time, \
            in the form: "At <that step>, do <what the passing attempt did> instead of <what the failing attempt \
            did>." Reply with the lesson only.""";

    /** A sandbox task's rollouts: a validator program gave the verdicts. */
    public static final Setting SANDBOX = new Setting("""
            You compare two attempts of an AI agent at the same task, worked in a sandboxed workspace with a Python \
            code tool: one that a validator program accepted and one that it rejected.
            """ + INSTRUCTION, attempts("the validator's verdict", "Validator output"), "The validator rejected the attempt");

    /** A dreamed task's rollouts: the experience model simulated the tools and gave the verdicts. */
    public static final Setting DREAM = new Setting("""
            You compare two attempts of an AI agent at the same task, worked against a simulation of its tools: one \
            that the simulation's judge rated a success and one that it rated a failure.
            """ + INSTRUCTION, attempts("the judge's verdict", "The judge's reasoning"),
            "The judge rated the attempt a failure");

    private static String attempts(String verdict, String output) {
        return """
                Task: %s

                Passing attempt (%s):
                Plan:
                %s

                Trace:
                %s

                Final answer: %s

                Failing attempt (""" + verdict + """
                : %s):
                Plan:
                %s

                Trace:
                %s

                Final answer: %s

                """ + output + """
                :
                %s""";
    }

    /** One attempt as the analyst reads it; {@code what} says where it comes from. */
    public record Attempt(String what, String plan, String trace, String answer) {
        /** The task's reference solution, which the validator accepted when the task was kept. */
        public static Attempt reference(String program, String answer) {
            return new Attempt("the task's reference solution, a program the validator accepted; no rollout passed",
                    "Run the reference program.", "call execute_code " + program, answer);
        }
    }

    /** The lesson and the tokens it cost; {@code analysed} false when it is the fallback. */
    public record Lesson(String text, boolean analysed, long tokens) {
    }

    private final LlmClient analyst;
    private final Duration callTimeout;
    private final Setting setting;

    /** The sandbox tasks' analysis ({@link #SANDBOX}). */
    public FailureAnalysis(LlmClient analyst, Duration callTimeout) {
        this(analyst, callTimeout, SANDBOX);
    }

    public FailureAnalysis(LlmClient analyst, Duration callTimeout, Setting setting) {
        this.analyst = analyst;
        this.callTimeout = callTimeout;
        this.setting = Objects.requireNonNull(setting, "setting");
    }

    /**
     * The lesson of a failing attempt against a passing one.
     *
     * @param verdict     the failing attempt's verdict, as the judge named it
     * @param judgeOutput what the judge reported on the failing attempt (the validator's output, the judge's reasoning)
     */
    public Lesson analyse(String task, Attempt passing, Attempt failing, String verdict, String judgeOutput)
            throws InterruptedException {
        String fallback = setting.rejected() + " (" + verdict + ")"
                + (blank(judgeOutput).equals("(none)") ? "." : ": " + Trace.cut(judgeOutput.strip(), 500));
        try {
            LlmReply reply = analyst.chat(new LlmCall("failure-analysis", List.of(SystemMessage.from(setting.system()),
                    UserMessage.from(setting.attempts().formatted(task, passing.what(), blank(passing.plan()),
                            blank(passing.trace()), blank(passing.answer()), verdict, blank(failing.plan()),
                            blank(failing.trace()), blank(failing.answer()), blank(judgeOutput)))), List.of(),
                    Instant.now().plus(callTimeout)));
            String lesson = lesson(reply.text());
            return lesson.isEmpty() ? new Lesson(fallback, false, reply.tokens())
                    : new Lesson(Trace.cut(lesson, MAX_LESSON_CHARS), true, reply.tokens());
        } catch (LlmException e) {
            // no reply, or one cut at the token limit: no half-written lesson, the fallback says what the judge said
            return new Lesson(fallback, false, e.spent().total());
        }
    }

    /**
     * The lesson a reply holds: its text (the reasoning is already split off), or, when the model wrapped it in a JSON
     * object (with prose or a code fence around it), that object's {@code lesson}.
     */
    static String lesson(String reply) {
        String text = reply.strip();
        if (text.contains("{")) {
            try {
                JsonNode node = ReplyJson.object(text);
                JsonNode lesson = node.get("lesson");
                if (lesson != null && lesson.isString()) {
                    return lesson.asString().strip();
                }
            } catch (ReplyJson.Invalid e) {
                // not a JSON lesson: the text is the lesson
            }
        }
        return text;
    }

    private static String blank(String text) {
        return text == null || text.isBlank() ? "(none)" : text.strip();
    }
}
