package dev.casebook.server.agent;

import dev.casebook.server.llm.LlmClient;
import dev.casebook.server.llm.LlmReply;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The planner's interaction {@code answer}: when the planning rounds are used up, forces a final answer from what
 * was found. The answer is read from the reply's text by {@link FinalAnswer} (never from its reasoning, never from
 * inside a JSON value). A reply without one (a JSON plan, an empty reply, a marker followed by nothing) is refused
 * once; a second one fails the task with {@code no_answer} rather than returning a plan or a fragment as the answer.
 */
final class AnswerStep {
    static final String ANSWER = """
            You are the planner of an agent and your planning rounds are used up. Give the best final answer to the \
            task from the results below, even if they are incomplete. Do not plan further and do not reply with JSON.
            End your reply with one line: FINAL ANSWER: <the answer, exactly as the task asks for it>""";

    static final String FINDINGS = """
            Task: %s

            Results:
            %s""";

    static final String NOT_A_PLAN = """
            That is not an answer (a plan, or no answer after the marker). Reply with the final answer only, ending             with: FINAL ANSWER: <answer>""";

    private final LlmClient planner;

    AnswerStep(LlmClient planner) {
        this.planner = planner;
    }

    Step.Answered answer(Run run, List<Finding> findings) throws InterruptedException {
        long started = System.nanoTime();
        List<ChatMessage> messages = new ArrayList<>(List.of(SystemMessage.from(ANSWER
                + run.spec().conversation().describe()),
                UserMessage.from(FINDINGS.formatted(run.spec().text(), Finding.describe(findings)))));
        Prompt prompt = new Prompt("answer", messages, List.of(), null, List.of(Finding.shortened(1, findings, true,
                results -> FINDINGS.formatted(run.spec().text(), results))));
        long tokens = 0;
        Step.LlmUse use = Step.LlmUse.NONE;
        for (int attempt = 0; attempt < 2; attempt++) {
            LlmReply reply = run.chat(planner, prompt);
            tokens += reply.tokens();
            use = use.plus(Run.use(reply));
            String raw = reply.text();
            Optional<String> answer = FinalAnswer.extract(raw);
            if (answer.isPresent()) {
                return new Step.Answered(answer.get(), raw, true, tokens, (System.nanoTime() - started) / 1_000_000,
                        use);
            }
            prompt.messages().add(AiMessage.from(raw.isBlank() ? "(empty reply)" : raw));
            prompt.messages().add(UserMessage.from(NOT_A_PLAN));
        }
        throw new Stop(StopReason.NO_ANSWER, "the planner's rounds ran out and the forced answer step gave no answer "
                + "(only plans, empty replies or replies without an answer after " + FinalAnswer.MARKER + ")");
    }
}
