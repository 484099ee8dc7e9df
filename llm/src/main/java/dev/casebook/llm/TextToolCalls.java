package dev.casebook.llm;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Tool calls a model wrote in its reply text because the server did not parse them into {@code tool_calls} (no tool
 * parser configured, a chat template without tools, an older server). Read from {@link ReplyText#text()}, in these
 * dialects:
 * <ul>
 *   <li>Hermes / Qwen: {@code <tool_call>{"name": …, "arguments": {…}}</tool_call>}, any number (the last one may be
 *       cut before its closing tag);</li>
 *   <li>Mistral: {@code [TOOL_CALLS][{"name": …, "arguments": {…}}, …]}, or {@code [TOOL_CALLS]name[ARGS]{…}};</li>
 *   <li>Llama 3.1 / 3.2: {@code <|python_tag|>{"name": …, "parameters": {…}}}, several separated by {@code ;};</li>
 *   <li>a bare JSON object {@code {"name": …, "arguments" | "parameters": {…}}} (or an array of them, or OpenAI's
 *       {@code {"type": "function", "function": {…}}}) that is the whole text, code fences allowed.</li>
 * </ul>
 * Arguments written as an object are passed on as its JSON; as a string, verbatim (a tool then says when they are not
 * valid JSON). Whether the named tools exist is the caller's concern: an unknown name is answered like a native call
 * to it.
 */
public final class TextToolCalls {
    private static final Pattern HERMES = Pattern.compile("<tool_call>\\s*(.*?)\\s*(?:</tool_call>|\\z)",
            Pattern.DOTALL);
    private static final String MISTRAL = "[TOOL_CALLS]";
    private static final Pattern MISTRAL_NAMED = Pattern.compile("\\s*([A-Za-z0-9_.-]+)(?:\\[CALL_ID\\][^\\[]*)?"
            + "\\[ARGS\\]");
    private static final String LLAMA = "<|python_tag|>";
    private static final Pattern LLAMA_END = Pattern.compile("<\\|(eom_id|eot_id|end_of_text)\\|>");

    /** One call: the tool's name and its arguments as JSON text. */
    public record Call(String name, String arguments) {
        public Call {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(arguments, "arguments");
        }
    }

    /**
     * What was found.
     *
     * @param calls   the calls in the order written; empty when the text holds none
     * @param dialect {@code hermes}, {@code mistral}, {@code llama3} or {@code json}; empty when none
     * @param text    the text without the calls (what the model said around them)
     */
    public record Found(List<Call> calls, String dialect, String text) {
        public Found {
            calls = List.copyOf(calls);
        }

        public boolean any() {
            return !calls.isEmpty();
        }
    }

    private TextToolCalls() {
    }

    public static Found read(String text) {
        String t = text == null ? "" : text;
        Found found = hermes(t);
        if (found == null) {
            found = mistral(t);
        }
        if (found == null) {
            found = llama(t);
        }
        if (found == null) {
            found = bareJson(t);
        }
        return found == null ? new Found(List.of(), "", t.strip()) : found;
    }

    private static Found hermes(String text) {
        Matcher m = HERMES.matcher(text);
        List<Call> calls = new ArrayList<>();
        StringBuilder rest = new StringBuilder();
        int last = 0;
        while (m.find()) {
            rest.append(text, last, m.start());
            last = m.end();
            Call call = call(m.group(1));
            if (call != null) {
                calls.add(call);
            }
        }
        rest.append(text.substring(last));
        return calls.isEmpty() ? null : new Found(calls, "hermes", rest.toString().strip());
    }

    private static Found mistral(String text) {
        int at = text.indexOf(MISTRAL);
        if (at < 0) {
            return null;
        }
        List<Call> calls = new ArrayList<>();
        String body = text.substring(at);
        for (String part : body.split(Pattern.quote(MISTRAL))) {
            if (part.isBlank()) {
                continue;
            }
            Matcher named = MISTRAL_NAMED.matcher(part);
            if (named.lookingAt()) {
                List<ReplyJson.Span> spans = ReplyJson.spans(part.substring(named.end()));
                calls.add(new Call(named.group(1), spans.isEmpty() ? "{}" : ReplyJson.compact(spans.getFirst().value())));
            } else {
                calls.addAll(calls(part));
            }
        }
        return calls.isEmpty() ? null : new Found(calls, "mistral", text.substring(0, at).strip());
    }

    private static Found llama(String text) {
        int at = text.indexOf(LLAMA);
        if (at < 0) {
            return null;
        }
        String body = LLAMA_END.matcher(text.substring(at + LLAMA.length())).replaceAll("");
        List<Call> calls = calls(body);
        return calls.isEmpty() ? null : new Found(calls, "llama3", text.substring(0, at).strip());
    }

    private static Found bareJson(String text) {
        String t = text.strip();
        if (t.startsWith("```")) {
            t = t.replaceFirst("^```[A-Za-z]*\\s*", "").replaceFirst("\\s*```$", "");
        }
        List<ReplyJson.Span> spans = ReplyJson.spans(t);
        if (spans.size() != 1 || spans.getFirst().start() != 0 || spans.getFirst().end() != t.length()) {
            return null;
        }
        JsonNode value = spans.getFirst().value();
        for (JsonNode item : value.isArray() ? value : List.of(value)) {
            if (!item.has("arguments") && !item.has("parameters") && !item.path("function").isObject()) {
                return null; // an answer that happens to have a "name", not a call
            }
        }
        List<Call> calls = calls(value);
        return calls.isEmpty() ? null : new Found(calls, "json", "");
    }

    /** The calls of every JSON value in the text. */
    private static List<Call> calls(String text) {
        List<Call> calls = new ArrayList<>();
        for (ReplyJson.Span span : ReplyJson.spans(text)) {
            calls.addAll(calls(span.value()));
        }
        return calls;
    }

    private static Call call(String json) {
        List<Call> calls = calls(json);
        return calls.isEmpty() ? null : calls.getFirst();
    }

    private static List<Call> calls(JsonNode value) {
        List<Call> calls = new ArrayList<>();
        if (value.isArray()) {
            for (JsonNode item : value) {
                Call call = callOf(item);
                if (call == null) {
                    return List.of();
                }
                calls.add(call);
            }
        } else {
            Call call = callOf(value);
            if (call != null) {
                calls.add(call);
            }
        }
        return calls;
    }

    /** {"name", "arguments" | "parameters"} or {"type": "function", "function": {...}}; null for anything else. */
    private static Call callOf(JsonNode node) {
        if (node.path("function").isObject()) {
            return callOf(node.path("function"));
        }
        JsonNode name = node.path("name");
        if (!name.isString() || name.asString().isBlank()) {
            return null;
        }
        JsonNode arguments = node.has("arguments") ? node.get("arguments") : node.get("parameters");
        if (arguments == null || arguments.isNull()) {
            return node.size() == 1 ? new Call(name.asString().strip(), "{}") : null;
        }
        String json = arguments.isString() ? arguments.asString() : ReplyJson.compact(arguments);
        return new Call(name.asString().strip(), json);
    }
}
