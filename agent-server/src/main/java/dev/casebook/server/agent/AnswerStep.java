package dev.casebook.server.agent;

import dev.casebook.server.llm.LlmClient;
import dev.casebook.server.llm.LlmReply;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * The planner's interaction {@code answer}: when the planning rounds are used up, forces a final answer from what
 * was found. A reply that is a JSON plan instead of an answer is refused once; a second one fails the task with
 * {@code no_answer} rather than returning a plan as the answer.
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
            That is a plan, not an answer. Reply with the final answer only, ending with: FINAL ANSWER: <answer>""";

    private final LlmClient planner;

    AnswerStep(LlmClient planner) {
        this.planner = planner;
    }

    Step.Answered answer(Run run, List<Finding> findings) throws InterruptedException {
        long started = System.nanoTime();
        List<ChatMessage> messages = new ArrayList<>(List.of(SystemMessage.from(ANSWER),
                UserMessage.from(FINDINGS.formatted(run.spec().text(), Finding.describe(findings)))));
        long tokens = 0;
        for (int attempt = 0; attempt < 2; attempt++) {
            LlmReply reply = run.chat(planner, "answer", messages, List.of());
            tokens += reply.tokens();
            String raw = reply.text();
            String answer = FinalAnswer.extract(raw);
            if (!answer.isBlank() && !FinalAnswer.looksLikePlan(answer)) {
                return new Step.Answered(answer, raw, true, tokens, (System.nanoTime() - started) / 1_000_000);
            }
            messages.add(AiMessage.from(raw.isBlank() ? "(empty reply)" : raw));
            messages.add(UserMessage.from(NOT_A_PLAN));
        }
        throw new Stop("no_answer", "the planner's rounds ran out and the forced answer step gave no answer "
                + "(only plans or empty replies)");
    }
}
