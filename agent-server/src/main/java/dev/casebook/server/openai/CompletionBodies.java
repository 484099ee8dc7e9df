package dev.casebook.server.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.casebook.server.tasks.TaskView;
import java.util.List;

/** The bodies the {@code /v1} API answers with, as OpenAI's API writes them, plus Casebook's {@code casebook} field. */
final class CompletionBodies {
    private CompletionBodies() {
    }

    /** A whole completion ({@code stream} false). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ChatCompletion(String id, String object, long created, String model, List<Choice> choices, Usage usage,
            Casebook casebook) {
        ChatCompletion(String id, long created, String model, Message message, String finishReason, Usage usage,
                Casebook casebook) {
            this(id, "chat.completion", created, model, List.of(new Choice(0, message, finishReason)), usage,
                    casebook);
        }
    }

    record Choice(int index, Message message, @JsonProperty("finish_reason") String finishReason) {
    }

    /** The assistant's message: the answer, and the agent's progress as {@code reasoning_content}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Message(String role, String content, @JsonProperty("reasoning_content") String reasoningContent) {
    }

    /** One event of a streamed completion. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Chunk(String id, String object, long created, String model, List<ChunkChoice> choices, Usage usage,
            Casebook casebook) {
        Chunk(String id, long created, String model, Delta delta, String finishReason, Casebook casebook) {
            this(id, "chat.completion.chunk", created, model, List.of(new ChunkChoice(0, delta, finishReason)), null,
                    casebook);
        }

        /** The last chunk when usage was asked for: no choices, the usage. */
        static Chunk usage(String id, long created, String model, Usage usage) {
            return new Chunk(id, "chat.completion.chunk", created, model, List.of(), usage, null);
        }
    }

    record ChunkChoice(int index, Delta delta,
            @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("finish_reason") String finishReason) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Delta(String role, String content, @JsonProperty("reasoning_content") String reasoningContent) {
        static Delta reasoning(String text) {
            return new Delta(null, null, text);
        }

        static Delta content(String text) {
            return new Delta(null, text, null);
        }
    }

    /**
     * Tokens of the task: all its planner and executor calls, {@code total_tokens} the task's total. Its steps record
     * each call's completion tokens (as the endpoint counted them, or estimated when it sent no usage); the rest of
     * the total are prompt tokens (those of a call that gave no usable reply included).
     */
    record Usage(@JsonProperty("prompt_tokens") long promptTokens,
            @JsonProperty("completion_tokens") long completionTokens,
            @JsonProperty("total_tokens") long totalTokens) {
        static Usage of(TaskFollower.Ended ended) {
            long total = ended.task().tokens();
            long completion = Math.min(total, ended.completionTokens());
            return new Usage(total - completion, completion, total);
        }
    }

    /**
     * Casebook's extension of a completion: the task behind it (its id is also the completion's), what ended it, the
     * case it wrote and the cases its planner was shown.
     *
     * @param stopReason {@code answered}; or why the answer was forced ({@code budget_planner_iterations}); or why the
     *                   task failed
     */
    record Casebook(@JsonProperty("task_id") String taskId, String status, @JsonProperty("stop_reason") String stopReason,
            @JsonProperty("case_id") String caseId, @JsonProperty("memory_mode") String memoryMode, String policy,
            long tokens, @JsonProperty("selected_cases") List<SelectedCase> selectedCases) {

        static Casebook of(TaskFollower.Ended ended) {
            TaskView t = ended.task();
            String stop = t.reason() != null ? t.reason() : ended.lastStop() != null ? ended.lastStop() : "answered";
            return new Casebook(t.id(), t.status(), stop, t.caseId(), t.memoryMode(), t.policy(), t.tokens(),
                    t.selected().stream().map(s -> new SelectedCase(s.caseId(), s.score(), s.role(), s.task(),
                            s.label())).toList());
        }
    }

    record SelectedCase(@JsonProperty("case_id") String caseId, double score, String role, String task, String label) {
    }

    /** A model of {@code GET /v1/models}. */
    record Model(String id, String object, long created, @JsonProperty("owned_by") String ownedBy,
            String description) {
        Model(String id, long created, String description) {
            this(id, "model", created, "casebook", description);
        }
    }

    record ModelList(String object, List<Model> data) {
        ModelList(List<Model> data) {
            this("list", data);
        }
    }
}
