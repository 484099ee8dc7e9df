package dev.casebook.server.openai;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.casebook.server.security.CurrentTenant;
import dev.casebook.server.tasks.TaskFeedback;
import dev.casebook.server.tasks.TaskView;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /v1/feedback} {@code {completion_id, reward | correct_answer}}: feedback on a completion, which is
 * feedback on its task ({@code POST /api/tasks/{id}/feedback} with the completion's id does the same): the reward
 * goes to the case the task wrote and to the cases its planner was shown. Accepted once per completion.
 */
@RestController
class FeedbackController {
    private final TaskFeedback feedback;

    FeedbackController(TaskFeedback feedback) {
        this.feedback = feedback;
    }

    record Given(String id, String object, double reward, @JsonProperty("reward_by") String rewardBy,
            @JsonProperty("case_id") String caseId) {
    }

    @PostMapping("/v1/feedback")
    Given give(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant, @RequestBody JsonNode body) {
        JsonNode id = body.has("completion_id") ? body.path("completion_id") : body.path("id");
        if (!id.isString() || id.asString().isBlank()) {
            throw OpenAiException.invalid("completion_id", "'completion_id' is required: the id of a chat "
                    + "completion (its task's id)");
        }
        JsonNode reward = body.path("reward");
        JsonNode answer = body.path("correct_answer");
        boolean hasReward = !reward.isMissingNode() && !reward.isNull();
        boolean hasAnswer = !answer.isMissingNode() && !answer.isNull();
        if (hasReward == hasAnswer) {
            throw OpenAiException.invalid("reward", "give exactly one of 'reward' (0 to 1) or 'correct_answer'");
        }
        if (hasReward && !reward.isNumber()) {
            throw OpenAiException.invalid("reward", "'reward' must be a number from 0 to 1");
        }
        if (hasAnswer && !answer.isString()) {
            throw OpenAiException.invalid("correct_answer", "'correct_answer' must be a string");
        }
        TaskView task = feedback.give(tenant, id.asString(), hasReward ? reward.asDouble() : null,
                hasAnswer ? answer.asString() : null);
        return new Given(task.id(), "casebook.feedback", task.reward(), task.rewardBy(), task.caseId());
    }
}
