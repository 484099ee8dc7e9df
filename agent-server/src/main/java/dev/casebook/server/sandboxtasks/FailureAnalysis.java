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
 * The interaction {@code failure-analysis}: given a failed rollout (the task, the agent's plan, its trace, its final
 * answer and the validator's verdict) the analyst model (the job's judge) writes a short lesson for similar tasks;
 * the negative case written from the rollout carries it. When the model gives none, the lesson says what the
 * validator reported, so the case still says why the attempt failed.
 */
final class FailureAnalysis {
    static final int MAX_LESSON_CHARS = 1_000;

    static final String SYSTEM = """
            You review a failed attempt of an AI agent at a task it worked in a sandboxed workspace with a Python \
            code tool. A validator program checked the workspace and the final answer and rejected them.
            Find the mistake and reply with one short lesson, at most three sentences, that would make the agent \
            succeed at this and similar tasks next time. Reply with the lesson only.""";

    static final String ATTEMPT = """
            Task: %s

            Plan:
            %s

            Trace:
            %s

            Final answer: %s

            Validator verdict: %s
            Validator output:
            %s""";

    /** The lesson and the tokens it cost; {@code analysed} false when it is the fallback. */
    record Lesson(String text, boolean analysed, long tokens) {
    }

    private final LlmClient analyst;
    private final Duration callTimeout;

    FailureAnalysis(LlmClient analyst, Duration callTimeout) {
        this.analyst = analyst;
        this.callTimeout = callTimeout;
    }

    Lesson analyse(String task, String plan, String trace, String answer, String verdict, String validatorOutput)
            throws InterruptedException {
        String fallback = "The validator rejected the attempt (" + verdict + ")"
                + (validatorOutput.isBlank() ? "." : ": " + Trace.cut(validatorOutput.strip(), 500));
        try {
            LlmReply reply = analyst.chat(new LlmCall("failure-analysis", List.of(SystemMessage.from(SYSTEM),
                    UserMessage.from(ATTEMPT.formatted(task, blank(plan), blank(trace), blank(answer), verdict,
                            blank(validatorOutput)))), List.of(), Instant.now().plus(callTimeout)));
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
