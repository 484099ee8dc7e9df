package dev.casebook.server.synthesis;

import dev.casebook.llm.ReplyJson;
import dev.langchain4j.model.chat.request.json.JsonAnyOfSchema;
import dev.langchain4j.model.chat.request.json.JsonNullSchema;
import dev.langchain4j.model.chat.request.json.JsonNumberSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import tools.jackson.databind.JsonNode;

/**
 * Reads the experience model's replies: {@code {"observation", "reward", "done", "reasoning"}} for a transition,
 * {@code {"reward", "reasoning"}} for an outcome. The observation must be there (a string, or any JSON value, kept as
 * JSON); the reward is a number within [0, 1] (or null for a transition); {@code done} defaults to false. Anything
 * else is {@link ReplyJson.Invalid} with a message the model can act on.
 */
final class ExperienceReplies {
    /** What a transition is asked for ({@code response_format}). */
    static final JsonSchema PREDICTION = JsonSchema.builder().name("transition").rootElement(JsonObjectSchema.builder()
            .addStringProperty("reasoning").addStringProperty("observation")
            .addProperty("reward", JsonAnyOfSchema.builder().anyOf(new JsonNumberSchema(), new JsonNullSchema())
                    .build())
            .addBooleanProperty("done").required("observation").build()).build();
    /** What an outcome's verdict is asked for ({@code response_format}). */
    static final JsonSchema JUDGEMENT = JsonSchema.builder().name("verdict").rootElement(JsonObjectSchema.builder()
            .addStringProperty("reasoning").addNumberProperty("reward").required("reward").build()).build();

    private ExperienceReplies() {
    }

    static Prediction.Predicted prediction(String reply, long tokens, int attempts) throws ReplyJson.Invalid {
        JsonNode node = ReplyJson.object(reply);
        JsonNode observation = node.path("observation");
        if (observation.isMissingNode() || observation.isNull()
                || (observation.isString() && observation.asString().isBlank())) {
            throw new ReplyJson.Invalid("the JSON has no \"observation\"");
        }
        String text = observation.isString() ? observation.asString() : observation.toString();
        return new Prediction.Predicted(text, reward(node.path("reward"), true), done(node.path("done")),
                reasoning(node), attempts, tokens);
    }

    static Judgement.Rated judgement(String reply, long tokens) throws ReplyJson.Invalid {
        JsonNode node = ReplyJson.object(reply);
        return new Judgement.Rated(reward(node.path("reward"), false), reasoning(node), tokens);
    }

    private static Double reward(JsonNode node, boolean nullable) throws ReplyJson.Invalid {
        if (node.isMissingNode() || node.isNull()) {
            if (nullable) {
                return null;
            }
            throw new ReplyJson.Invalid("the JSON has no \"reward\"");
        }
        double value;
        if (node.isNumber()) {
            value = node.asDouble();
        } else if (node.isString() && node.asString().strip().matches("[0-9.eE+-]+")) {
            value = Double.parseDouble(node.asString().strip());
        } else if (node.isBoolean()) {
            value = node.asBoolean() ? 1 : 0;
        } else {
            throw new ReplyJson.Invalid("\"reward\" must be a number within [0, 1]" + (nullable ? " or null" : "")
                    + ", was " + node);
        }
        if (Double.isNaN(value) || value < 0 || value > 1) {
            throw new ReplyJson.Invalid("\"reward\" must be within [0, 1], was " + node);
        }
        return value;
    }

    private static boolean done(JsonNode node) throws ReplyJson.Invalid {
        if (node.isMissingNode() || node.isNull()) {
            return false;
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        if (node.isString() && (node.asString().equalsIgnoreCase("true") || node.asString().equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(node.asString());
        }
        throw new ReplyJson.Invalid("\"done\" must be true or false, was " + node);
    }

    private static String reasoning(JsonNode node) {
        JsonNode reasoning = node.path("reasoning");
        return reasoning.isString() ? reasoning.asString().strip() : reasoning.isMissingNode() ? "" : reasoning.toString();
    }
}
