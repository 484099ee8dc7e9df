package dev.casebook.server.openai;

import dev.casebook.server.agent.Budgets;
import dev.casebook.memory.MemoryMode;
import dev.casebook.server.security.CurrentTenant;
import dev.casebook.server.tasks.TaskCancellation;
import dev.casebook.server.tasks.TaskSettings;
import dev.casebook.server.tasks.TaskSubmission;
import dev.casebook.server.tasks.TaskView;
import dev.casebook.server.web.ApiException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code POST /v1/chat/completions}: each request is a task of the caller's tenant ({@link ChatRequest}), submitted
 * like {@code POST /api/tasks} and followed to its end. The completion's id is the task's id. Whole: one
 * {@code chat.completion} once the task ended. Streamed: the agent's progress as reasoning, then the answer
 * ({@link CompletionStream}); a client that leaves cancels the task.
 */
@RestController
class ChatCompletionsController {
    private static final Logger log = LoggerFactory.getLogger(ChatCompletionsController.class);

    private final ModelCatalog catalog;
    private final ChatAttachments attachments;
    private final TaskSubmission submission;
    private final TaskCancellation cancellation;
    private final TaskFollower follower;
    private final OpenAiSettings settings;
    private final TaskSettings tasks;
    private final ObjectMapper json;

    ChatCompletionsController(ModelCatalog catalog, ChatAttachments attachments, TaskSubmission submission,
            TaskCancellation cancellation, TaskFollower follower, OpenAiSettings settings, TaskSettings tasks,
            ObjectMapper json) {
        this.catalog = catalog;
        this.attachments = attachments;
        this.submission = submission;
        this.cancellation = cancellation;
        this.follower = follower;
        this.settings = settings;
        this.tasks = tasks;
        this.json = json;
    }

    @PostMapping("/v1/chat/completions")
    @Operation(summary = "An OpenAI-compatible chat completion, answered by a Casebook task",
            description = "the last user message is the task; whole or streamed (stream: true). A task that ends "
                    + "without an answer is an OpenAI error ({\"error\": {message, type, param, code}}) whose code is "
                    + "the task's stop reason, as GET /api/tasks/{id} shows it; only llm_unavailable is worth a retry "
                    + "(the others carry x-should-retry: false). In a stream that already started the error is an "
                    + "event before [DONE]")
    @ApiResponse(responseCode = "200", description = "the completion (or its stream)")
    @ApiResponse(responseCode = "400", description = "a request Casebook cannot serve (code invalid_value, "
            + "unsupported_parameter, file_not_found, ...; param names the field)",
            content = @Content(mediaType = "application/json"))
    @ApiResponse(responseCode = "409", description = "the task was cancelled", content = @Content(mediaType =
            "application/json"))
    @ApiResponse(responseCode = "500", description = "the server failed while running the task (code "
            + "internal_error, interrupted, ...)", content = @Content(mediaType = "application/json"))
    @ApiResponse(responseCode = "502", description = "the model refused (llm_rejected), cut its reply at the token "
            + "limit (truncated), could not take the prompt in its context window (context_window), gave no JSON "
            + "plan after the corrections (invalid_plan) or no final answer when one was forced (no_answer), or its "
            + "calls spent the task's token budget before an answer (budget_tokens)",
            content = @Content(mediaType = "application/json"))
    @ApiResponse(responseCode = "503", description = "no model is configured (no_model_configured), or the model was "
            + "unavailable, retries spent (llm_unavailable)", content = @Content(mediaType = "application/json"))
    @ApiResponse(responseCode = "504", description = "the task's wall time ran out (budget_time)",
            content = @Content(mediaType = "application/json"))
    ResponseEntity<CompletionBodies.ChatCompletion> complete(
            @RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant, @RequestBody JsonNode body,
            HttpServletResponse response) throws IOException {
        ChatRequest request = ChatRequest.read(body, settings.maxContextChars());
        AgentProfile profile = catalog.profile(tenant, request.model());
        String text = request.messages().task();
        if (text.length() > tasks.maxTextChars()) {
            throw OpenAiException.invalid("messages", "the last user message has " + text.length()
                    + " characters, more than the limit of " + tasks.maxTextChars() + " (casebook.tasks.max-text-chars)");
        }
        CasebookOptions options = request.options();
        MemoryMode mode = options.memoryMode(profile);
        Budgets budgets = options.budgets(profile);
        String bank = options.bank();
        List<String> banks = options.banks();
        String policy = options.policy(profile);
        submission.unknownPolicy(policy).ifPresent(why -> {
            throw OpenAiException.invalid(CasebookOptions.POLICY, "'" + CasebookOptions.POLICY + "': " + why);
        });
        List<String> files = attachments.keep(tenant, request.messages().files()); // once the request is known good
        TaskView submitted = submission.submit(tenant, new TaskSubmission.NewTask(text, mode, policy,
                budgets, files, request.conversation(), bank, banks));
        long created = submitted.createdAt().getEpochSecond();
        try {
            if (request.stream()) {
                stream(tenant, submitted.id(), created, request, response);
                return null;
            }
            return ResponseEntity.ok(whole(tenant, submitted.id(), created, request.model()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OpenAiException(HttpStatus.SERVICE_UNAVAILABLE, null, "server_stopping", "the server is "
                    + "stopping; the task " + submitted.id() + " goes on (GET /api/tasks/" + submitted.id() + ")");
        }
    }

    private CompletionBodies.ChatCompletion whole(String tenant, String id, long created, String model)
            throws IOException, InterruptedException {
        StringBuilder reasoning = new StringBuilder();
        TaskFollower.Ended ended = follower.follow(tenant, id, settings.keepAlive(), new TaskFollower.Listener() {
            @Override
            public void progress(String line) {
                reasoning.append(line);
            }

            @Override
            public void quiet() {
            }
        });
        TaskView task = ended.task();
        if (!"answered".equals(task.status())) {
            throw TaskFailure.exception(task);
        }
        return new CompletionBodies.ChatCompletion(id, created, model,
                new CompletionBodies.Message("assistant", task.answer(), reasoning.toString()), "stop",
                CompletionBodies.Usage.of(ended), CompletionBodies.Casebook.of(ended));
    }

    private void stream(String tenant, String id, long created, ChatRequest request, HttpServletResponse response)
            throws InterruptedException {
        try {
            CompletionStream stream = CompletionStream.start(response, json, id, created, request.model());
            TaskFollower.Ended ended = follower.follow(tenant, id, settings.keepAlive(), new TaskFollower.Listener() {
                @Override
                public void progress(String line) throws IOException {
                    stream.reasoning(line);
                }

                @Override
                public void quiet() throws IOException {
                    stream.keepAlive();
                }
            });
            TaskView task = ended.task();
            if ("answered".equals(task.status())) {
                stream.content(task.answer());
                stream.finish("stop", CompletionBodies.Casebook.of(ended));
                if (request.includeUsage()) {
                    stream.usage(CompletionBodies.Usage.of(ended));
                }
            } else {
                stream.error(TaskFailure.error(task));
            }
            stream.done();
        } catch (IOException clientLeft) {
            cancelLeft(tenant, id, clientLeft);
        }
    }

    /** The client of a streamed completion left before the task ended: nobody will read its answer. */
    private void cancelLeft(String tenant, String id, IOException cause) {
        try {
            cancellation.cancel(tenant, id);
            log.info("completion {}: the client left before the task ended ({}); the task is cancelled", id,
                    cause.toString());
        } catch (ApiException ended) {
            log.debug("completion {}: the client left after the task ended", id);
        }
    }
}
