package dev.casebook.server.synthesis;

import dev.casebook.server.llm.LlmCall;
import dev.casebook.server.llm.LlmClient;
import dev.casebook.server.llm.LlmReply;
import dev.casebook.llm.ReplyJson;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The experience model (DreamGym's reasoning world model), an LLM prompted to stand in for the tools: interaction
 * {@code experience} predicts a tool call's observation, reward and {@code done} from the task, the episode so far,
 * the call and the most similar real transitions of the replay buffer; interaction {@code experience-outcome} judges
 * whether the episode's final answer solves the task. A reply that is not the JSON asked for is sent back with the
 * reason, up to {@code attempts} calls in all; then the result is {@link Prediction.Unusable} or
 * {@link Judgement.Unrated}. An LLM that gives no reply at all throws {@link dev.casebook.server.llm.LlmException}.
 */
final class ExperienceModel {
    static final String EXPERIENCE = """
            You are the experience model of a training environment for an agent: you stand in for the tools it \
            calls. Given the agent's task, what its earlier tool calls returned and the call it makes now, reason \
            about what the real tool would return, then write that result as the tool would write it: the same \
            format and level of detail, consistent with the task, with the earlier calls and with the real calls \
            of these tools shown as examples. Do not solve the task beyond what the tool itself would return.
            Judge the call too: reward 1 when it brings the agent to a correct solution, 0 when it is useless or \
            leads astray, a value in between for partial progress, null when that cannot be told yet; done true \
            when the task can now be answered from what the tools returned.
            Reply with one JSON object and nothing else:
            {"reasoning": "how you derived the result", "observation": "the tool's result", "reward": null, \
            "done": false}""";

    static final String TRANSITION = """
            Task: %s

            Real calls of these tools, the most similar first; answer as they do:
            %s

            Earlier calls of this episode:
            %s

            The agent now calls the tool '%s' (%s) with the arguments: %s""";

    static final String EXAMPLE = """
            [%d] Task: %s
                Earlier calls: %s
                Call: %s %s
                Result%s: %s
            """;

    static final String CORRECTION = """
            That reply is not the JSON asked for: %s.
            Reply again with only the JSON object: {"reasoning": "...", "observation": "...", "reward": null, \
            "done": false}""";

    static final String OUTCOME = """
            You are the experience model of a training environment for an agent, and you judge how an episode \
            ended. The agent worked the task below with tools whose results you simulated; its calls and their \
            results are listed, then its final answer. Judge from the task and the results whether the answer \
            solves the task correctly: reward 1 for a correct and complete answer, 0 for a wrong answer or none, \
            a value in between for a partly correct one.
            Reply with one JSON object and nothing else: {"reasoning": "why", "reward": 1}""";

    static final String EPISODE = """
            Task: %s

            Tool calls and their results:
            %s

            Final answer: %s""";

    static final String OUTCOME_CORRECTION = """
            That reply is not the JSON asked for: %s.
            Reply again with only the JSON object: {"reasoning": "...", "reward": 0.0 to 1.0}""";

    private static final int EXAMPLE_CHARS = 1_500;

    private final LlmClient model;
    private final int attempts;
    private final int historySteps;

    ExperienceModel(LlmClient model, int attempts, int historySteps) {
        this.model = model;
        this.attempts = attempts;
        this.historySteps = historySteps;
    }

    /** What the experience model is asked about one simulated call. */
    record Situation(String task, List<Transition> history, ToolSpecification tool, String arguments,
            List<ReplayTransition> examples) {
        Situation {
            history = List.copyOf(history);
            examples = List.copyOf(examples);
        }
    }

    Prediction predict(Situation situation, Instant deadline) throws InterruptedException {
        String description = situation.tool().description() == null ? "no description"
                : Transition.oneLine(situation.tool().description(), 300);
        return predict(situation.task(), Transition.digest(situation.history(), historySteps),
                situation.tool().name(), description, situation.arguments(), situation.examples(), deadline);
    }

    /** As {@link #predict(Situation, Instant)}, for a recorded call whose history is already a digest. */
    Prediction predict(String task, String history, String tool, String description, String arguments,
            List<ReplayTransition> examples, Instant deadline) throws InterruptedException {
        List<ChatMessage> messages = new ArrayList<>(List.of(SystemMessage.from(EXPERIENCE),
                UserMessage.from(TRANSITION.formatted(task, examples(examples), history, tool, description,
                        arguments))));
        long tokens = 0;
        String problem = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            LlmReply reply = model.chat(LlmCall.json("experience", messages, deadline, ExperienceReplies.PREDICTION));
            tokens += reply.tokens();
            try {
                return ExperienceReplies.prediction(reply.text(), tokens, attempt);
            } catch (ReplyJson.Invalid e) {
                problem = e.getMessage();
                messages.add(AiMessage.from(reply.text().isBlank() ? "(empty reply)" : reply.text()));
                messages.add(UserMessage.from(CORRECTION.formatted(problem)));
            }
        }
        return new Prediction.Unusable(problem, attempts, tokens);
    }

    Judgement judge(String task, List<Transition> history, String answer, Instant deadline)
            throws InterruptedException {
        List<ChatMessage> messages = new ArrayList<>(List.of(SystemMessage.from(OUTCOME),
                UserMessage.from(EPISODE.formatted(task, Transition.digest(history, historySteps), answer))));
        long tokens = 0;
        String problem = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            LlmReply reply = model.chat(LlmCall.json("experience-outcome", messages, deadline,
                    ExperienceReplies.JUDGEMENT));
            tokens += reply.tokens();
            try {
                return ExperienceReplies.judgement(reply.text(), tokens);
            } catch (ReplyJson.Invalid e) {
                problem = e.getMessage();
                messages.add(AiMessage.from(reply.text().isBlank() ? "(empty reply)" : reply.text()));
                messages.add(UserMessage.from(OUTCOME_CORRECTION.formatted(problem)));
            }
        }
        return new Judgement.Unrated("the experience model gave no valid verdict in " + attempts + " attempt"
                + (attempts == 1 ? "" : "s") + " (" + problem + ")", tokens);
    }

    private static String examples(List<ReplayTransition> examples) {
        if (examples.isEmpty()) {
            return "(none recorded yet)";
        }
        StringBuilder out = new StringBuilder();
        int n = 0;
        for (ReplayTransition t : examples) {
            out.append(EXAMPLE.formatted(++n, Transition.oneLine(t.task(), 300), Transition.oneLine(t.history(), 600),
                    t.tool(), Transition.oneLine(t.arguments(), 500), t.ok() ? "" : " (failed)",
                    Transition.oneLine(t.observation(), EXAMPLE_CHARS)));
        }
        return out.toString().stripTrailing();
    }
}
