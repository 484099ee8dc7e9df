package dev.casebook.server.agent;

import dev.casebook.memory.policy.SelectedCase;
import dev.casebook.server.llm.LlmClient;
import dev.casebook.server.llm.LlmReply;
import dev.casebook.tools.Toolbox;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * The planner's interactions {@code plan} (first iteration: the task, the selected cases and the insights of the
 * task's family, {@link InsightsSection}) and {@code replan}
 * (later iterations: the plan so far and what the executor found). JSON is asked for with {@code response_format}
 * ({@link PlanJson#SCHEMA}) where the endpoint takes it. A reply whose text (reasoning split off) is not a valid JSON
 * plan is sent back to the planner with the reason, up to {@code planRetries} times; then the task fails with
 * {@code invalid_plan}. A prompt too long for the model's context window loses cases (plan) or the length of older
 * results (replan). Both see the task's {@link Conversation}.
 */
final class PlanStep {
    static final String PLAN = """
            You are the planner of an agent that solves tasks step by step. An executor carries out each subtask \
            you write, one after the other, and can use these tools: %s.
            Break the task into the fewest subtasks that will answer it; each subtask says what to find or compute.
            Reply with one JSON object and nothing else:
            {"subtasks": ["first subtask", "second subtask"]}
            If the task needs no work at all, reply {"answer": "the final answer"} instead.""";

    static final String REPLAN = """
            You are the planner of an agent that solves tasks step by step. The executor has carried out your \
            subtasks; their results are below. This is planning round %d of %d.
            If the results answer the task, reply {"answer": "the final answer"}, giving the answer exactly as the \
            task asks for it.
            Otherwise reply {"subtasks": ["next subtask", ...]} with only the subtasks still needed; the executor \
            can use these tools: %s.
            Reply with one JSON object and nothing else.""";

    static final String TASK = """
            Task: %s

            %s""";

    static final String PROGRESS = """
            Task: %s

            Plan so far: %s

            Results:
            %s""";

    static final String CORRECTION = """
            That reply is not a valid plan: %s.
            Reply again with only the JSON object: {"subtasks": [...]} or {"answer": "..."}.""";

    private final LlmClient planner;
    private final int planRetries;
    private final int maxSubtasks;
    private final Toolbox toolbox;

    PlanStep(LlmClient planner, int planRetries, int maxSubtasks, Toolbox toolbox) {
        this.planner = planner;
        this.planRetries = planRetries;
        this.maxSubtasks = maxSubtasks;
        this.toolbox = toolbox;
    }

    /** The tools this task's tenant may use, as the planner reads them. */
    private String tools(Run run) {
        List<String> names = toolbox.forTenant(run.spec().tenant()).names();
        return names.isEmpty() ? "(none)" : String.join(", ", names);
    }

    PlannerDecision plan(Run run, Selection selection) throws InterruptedException {
        List<SelectedCase> cases = selection.cases();
        String attachments = attachments(run);
        String insights = InsightsSection.describe(selection.insights());
        List<ChatMessage> messages = new ArrayList<>(List.of(SystemMessage.from(PLAN.formatted(tools(run))
                        + run.spec().conversation().describe()),
                UserMessage.from(TASK.formatted(run.spec().text(), attachments + CaseSelectionStep.describe(cases) + insights))));
        Prompt.Reduction fewerCases = Prompt.rewritten("fewer cases", 1, times -> times > cases.size() ? null
                : TASK.formatted(run.spec().text(), attachments
                        + CaseSelectionStep.describe(cases.subList(0, cases.size() - times)) + insights));
        return decide(run, 1, new Prompt("plan", messages, List.of(), PlanJson.SCHEMA, List.of(fewerCases)));
    }

    PlannerDecision replan(Run run, int iteration, String planSoFar, List<Finding> findings)
            throws InterruptedException {
        List<ChatMessage> messages = new ArrayList<>(List.of(
                SystemMessage.from(REPLAN.formatted(iteration, run.budgets().plannerIterations(), tools(run))
                        + run.spec().conversation().describe()),
                UserMessage.from(PROGRESS.formatted(run.spec().text(), planSoFar, Finding.describe(findings)))));
        Prompt.Reduction shorter = Finding.shortened(1, findings, true,
                results -> PROGRESS.formatted(run.spec().text(), planSoFar, results));
        return decide(run, iteration, new Prompt("replan", messages, List.of(), PlanJson.SCHEMA, List.of(shorter)));
    }

    private PlannerDecision decide(Run run, int iteration, Prompt prompt) throws InterruptedException {
        long started = System.nanoTime();
        long tokens = 0;
        Step.LlmUse use = Step.LlmUse.NONE;
        String problem = null;
        String last = "";
        for (int attempt = 0; attempt <= planRetries; attempt++) {
            LlmReply reply = run.chat(planner, prompt);
            tokens += reply.tokens();
            use = use.plus(Run.use(reply));
            last = reply.text();
            try {
                PlannerDecision decision = PlanJson.parse(last, maxSubtasks);
                List<String> subtasks = decision instanceof PlannerDecision.Subtasks s ? s.subtasks() : List.of();
                run.emit(new Step.Planned(iteration, decision.json(), subtasks, tokens,
                        (System.nanoTime() - started) / 1_000_000, use));
                return decision;
            } catch (PlanJson.Invalid e) {
                problem = e.getMessage();
                prompt.messages().add(AiMessage.from(last.isBlank() ? "(empty reply)" : last));
                prompt.messages().add(UserMessage.from(CORRECTION.formatted(problem)));
            }
        }
        throw new Stop(StopReason.INVALID_PLAN, "the planner gave no valid JSON plan in " + (planRetries + 1)
                + " attempts (" + problem + "); last reply: " + abbreviate(last.isBlank() && !use.reasoning().isEmpty()
                ? "(only reasoning)" : last));
    }

    private static String attachments(Run run) {
        if (run.spec().attachments().isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder("Attached files (the tools can read them): ");
        run.spec().attachments().forEach(p -> out.append(p.getFileName()).append(' '));
        return out.append("\n").toString();
    }

    private static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= 300 ? oneLine : oneLine.substring(0, 300) + "...";
    }
}
