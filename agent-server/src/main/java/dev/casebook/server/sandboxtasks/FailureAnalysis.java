package dev.casebook.server.sandboxtasks;

import dev.casebook.server.llm.LlmCall;
import dev.casebook.server.llm.LlmClient;
import dev.casebook.server.llm.LlmException;
import dev.casebook.server.llm.LlmReply;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The interaction {@code failure-analysis}: the analyst model (the job's judge) is shown a passing and a failing
 * attempt at the same task (EvoCUA's contrastive pairs) and writes one short lesson for similar tasks: at the first
 * step where the two attempts differ, what to do instead. The passing attempt is a rollout the validator accepted or,
 * when every rollout failed, the task's reference solution. When the model gives no lesson, the lesson says what the
 * validator reported, so the negative case still says why the attempt failed.
 */
final class FailureAnalysis {
    static final int MAX_LESSON_CHARS = 1_000;

    static final String SYSTEM = """
            You compare two attempts of an AI agent at the same task, worked in a sandboxed workspace with a Python \
            code tool: one that a validator program accepted and one that it rejected.
            Find the first step where the failing attempt differs from the passing one and reply with one short \
            lesson, at most three sentences, that would make the agent succeed at this and similar tasks next time, \
            in the form: "At <that step>, do <what the passing attempt did> instead of <what the failing attempt \
            did>." Reply with the lesson only.""";

    static final String ATTEMPTS = """
            Task: %s

            Passing attempt (%s):
            Plan:
            %s

            Trace:
            %s

            Final answer: %s

            Failing attempt (the validator's verdict: %s):
            Plan:
            %s

            Trace:
            %s

            Final answer: %s

            Validator output:
            %s""";

    /** One attempt as the analyst reads it; {@code what} says where it comes from. */
    record Attempt(String what, String plan, String trace, String answer) {
        /** The task's reference solution, which the validator accepted when the task was kept. */
        static Attempt reference(String program, String answer) {
            return new Attempt("the task's reference solution, a program the validator accepted; no rollout passed",
                    "Run the reference program.", "call execute_code " + program, answer);
        }
    }

    /** The lesson and the tokens it cost; {@code analysed} false when it is the fallback. */
    record Lesson(String text, boolean analysed, long tokens) {
    }

    private final LlmClient analyst;
    private final Duration callTimeout;

    FailureAnalysis(LlmClient analyst, Duration callTimeout) {
        this.analyst = analyst;
        this.callTimeout = callTimeout;
    }

    Lesson analyse(String task, Attempt passing, Attempt failing, String verdict, String validatorOutput)
            throws InterruptedException {
        String fallback = "The validator rejected the attempt (" + verdict + ")"
                + (blank(validatorOutput).equals("(none)") ? "." : ": " + Trace.cut(validatorOutput.strip(), 500));
        try {
            LlmReply reply = analyst.chat(new LlmCall("failure-analysis", List.of(SystemMessage.from(SYSTEM),
                    UserMessage.from(ATTEMPTS.formatted(task, passing.what(), blank(passing.plan()),
                            blank(passing.trace()), blank(passing.answer()), verdict, blank(failing.plan()),
                            blank(failing.trace()), blank(failing.answer()), blank(validatorOutput)))), List.of(),
                    Instant.now().plus(callTimeout)));
            String lesson = reply.text().strip();
            return lesson.isEmpty() ? new Lesson(fallback, false, reply.tokens())
                    : new Lesson(Trace.cut(lesson, MAX_LESSON_CHARS), true, reply.tokens());
        } catch (LlmException e) {
            return new Lesson(fallback, false, 0);
        }
    }

    private static String blank(String text) {
        return text == null || text.isBlank() ? "(none)" : text.strip();
    }
}
