package dev.casebook.testkit.llm;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One request the {@link ScriptedLlmServer} received, parsed: the JSON body plus convenience views of an
 * OpenAI chat-completions request (system prompt, last user message, tools, tool results, interaction name).
 *
 * @param index   0-based arrival order over the server's life (or since {@link ScriptedLlmServer#reset()})
 * @param path    request path, e.g. {@code /v1/chat/completions}
 * @param headers request headers, names lower-cased (first value of each)
 * @param body    the parsed JSON body ({@code MissingNode} when there was none)
 * @param at      arrival time
 */
public record LlmRequest(int index, String path, Map<String, String> headers, JsonNode body, Instant at) {

    public LlmRequest {
        headers = Map.copyOf(headers);
    }

    /** The header with this name (case-insensitive), or null. */
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public String model() {
        return body.path("model").asText("");
    }

    /** The {@code messages} array as it was sent. */
    public List<JsonNode> messages() {
        List<JsonNode> list = new ArrayList<>();
        body.path("messages").forEach(list::add);
        return list;
    }

    /** All system messages' text, joined by blank lines; empty when there is none. */
    public String systemPrompt() {
        return String.join("\n\n", texts("system"));
    }

    /** The text of the first user message; empty when there is none. */
    public String firstUserMessage() {
        List<String> users = texts("user");
        return users.isEmpty() ? "" : users.getFirst();
    }

    /** The text of the last user message; empty when there is none. */
    public String lastUserMessage() {
        List<String> users = texts("user");
        return users.isEmpty() ? "" : users.getLast();
    }

    /** The role of the last message ({@code user}, {@code tool}, ...); empty when there are no messages. */
    public String lastRole() {
        List<JsonNode> messages = messages();
        return messages.isEmpty() ? "" : messages.getLast().path("role").asText("");
    }

    /** The contents of the {@code tool} messages (tool results sent back to the model), in order. */
    public List<String> toolResults() {
        return texts("tool");
    }

    /** Every message's text, joined by newlines: handy for "the prompt mentions X" assertions. */
    public String allText() {
        List<String> all = new ArrayList<>();
        for (JsonNode message : messages()) {
            all.add(text(message.path("content")));
        }
        return String.join("\n", all);
    }

    public boolean hasTools() {
        return body.path("tools").isArray() && !body.path("tools").isEmpty();
    }

    /** Names of the tools offered to the model. */
    public List<String> toolNames() {
        List<String> names = new ArrayList<>();
        body.path("tools").forEach(tool -> names.add(tool.path("function").path("name").asText()));
        return names;
    }

    /**
     * The name of the LLM interaction ({@code plan}, {@code execute}, ...), taken from the header
     * {@code X-Casebook-Interaction}, else from the body's {@code metadata.interaction}, else from a first line
     * {@code [interaction: NAME]} of the system prompt; empty when none is given.
     */
    public String interaction() {
        String header = header("x-casebook-interaction");
        if (header != null && !header.isBlank()) {
            return header;
        }
        String metadata = body.path("metadata").path("interaction").asText("");
        if (!metadata.isBlank()) {
            return metadata;
        }
        String system = systemPrompt().strip();
        if (system.startsWith("[interaction:")) {
            int end = system.indexOf(']');
            if (end > 0) {
                return system.substring("[interaction:".length(), end).strip();
            }
        }
        return "";
    }

    public boolean isChatCompletion() {
        return path.endsWith("/chat/completions");
    }

    private List<String> texts(String role) {
        List<String> texts = new ArrayList<>();
        for (JsonNode message : messages()) {
            if (role.equals(message.path("role").asText())) {
                texts.add(text(message.path("content")));
            }
        }
        return texts;
    }

    /** Content is either a string or an array of parts ({@code {"type":"text","text":...}}). */
    private static String text(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        if (content.isArray()) {
            StringBuilder text = new StringBuilder();
            for (JsonNode part : content) {
                if (part.has("text")) {
                    text.append(part.path("text").asText());
                }
            }
            return text.toString();
        }
        return "";
    }
}
