package dev.casebook.testkit.llm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Writes a scripted completion as an OpenAI-compatible server sends it: one {@code chat.completion} body, or
 * {@code chat.completion.chunk} server-sent events; reasoning where the imitated {@link ServerShape} puts it.
 */
final class CompletionWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ServerShape shape;
    private final int[] fixedUsage;
    private final AtomicInteger ids;

    /** @param shape the imitated server; null for OpenAI's shape with reasoning in {@code reasoning_content} */
    CompletionWriter(ServerShape shape, int[] fixedUsage, AtomicInteger ids) {
        this.shape = shape;
        this.fixedUsage = fixedUsage;
        this.ids = ids;
    }

    ObjectNode completion(LlmRequest request, Reply.Completion reply) {
        ObjectNode root = chunkRoot(request, "chat.completion");
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        String content = content(reply);
        String field = reasoningField(reply);
        if (field != null) {
            message.put(field, reply.reasoning());
        }
        if (content == null) {
            message.putNull("content");
        } else {
            message.put("content", content);
        }
        if (!reply.calls().isEmpty()) {
            ArrayNode toolCalls = message.putArray("tool_calls");
            for (Reply.ToolCall call : reply.calls()) {
                ObjectNode node = toolCalls.addObject();
                node.put("id", "call_" + ids.incrementAndGet());
                node.put("type", "function");
                putArguments(node.putObject("function").put("name", call.name()), call);
            }
        }
        choice.put("finish_reason", reply.effectiveFinishReason());
        if (reply.usage()) {
            putUsage(root, request, reply);
        }
        return root;
    }

    /**
     * The completion as server-sent events: a role delta, reasoning deltas, text deltas, tool-call deltas (id and
     * name first, the arguments in two pieces), the finish reason, then a usage chunk with empty {@code choices} when
     * the request asked for it, then {@code [DONE]}.
     */
    void stream(OutputStream out, LlmRequest request, Reply.Completion reply) throws IOException {
        {
            event(out, delta(request, d -> d.put("role", "assistant").put("content", "")));
            String field = reasoningField(reply);
            if (field != null) {
                for (String piece : pieces(reply.reasoning())) {
                    event(out, delta(request, d -> d.put(field, piece)));
                }
            }
            String content = content(reply);
            if (content != null) {
                for (String piece : pieces(content)) {
                    event(out, delta(request, d -> d.put("content", piece)));
                }
            }
            for (int i = 0; i < reply.calls().size(); i++) {
                Reply.ToolCall call = reply.calls().get(i);
                int index = i;
                String id = "call_" + ids.incrementAndGet();
                event(out, delta(request, d -> d.putArray("tool_calls").addObject().put("index", index).put("id", id)
                        .put("type", "function").putObject("function").put("name", call.name()).put("arguments", "")));
                if (call.asObject()) {
                    event(out, delta(request, d -> putArguments(d.putArray("tool_calls").addObject()
                            .put("index", index).putObject("function"), call)));
                } else {
                    for (String piece : pieces(call.argumentsJson())) {
                        event(out, delta(request, d -> d.putArray("tool_calls").addObject().put("index", index)
                                .putObject("function").put("arguments", piece)));
                    }
                }
            }
            ObjectNode last = chunkRoot(request, "chat.completion.chunk");
            last.putArray("choices").addObject().put("index", 0).put("finish_reason", reply.effectiveFinishReason())
                    .putObject("delta");
            event(out, last);
            if (reply.usage() && request.body().path("stream_options").path("include_usage").asBoolean(false)) {
                ObjectNode usage = chunkRoot(request, "chat.completion.chunk");
                usage.putArray("choices");
                putUsage(usage, request, reply);
                event(out, usage);
            }
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    private ObjectNode delta(LlmRequest request, Consumer<ObjectNode> fill) {
        ObjectNode root = chunkRoot(request, "chat.completion.chunk");
        ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
        fill.accept(choice.putObject("delta"));
        choice.putNull("finish_reason");
        return root;
    }

    private static void event(OutputStream out, ObjectNode chunk) throws IOException {
        out.write(("data: " + JSON.writeValueAsString(chunk) + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** A text in two or three pieces, as deltas come. */
    private static List<String> pieces(String text) {
        if (text.length() < 3) {
            return List.of(text);
        }
        int third = text.length() / 3;
        return List.of(text.substring(0, third), text.substring(third, 2 * third), text.substring(2 * third));
    }

    private ObjectNode chunkRoot(LlmRequest request, String object) {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", "chatcmpl-scripted-" + ids.incrementAndGet());
        root.put("object", object);
        root.put("created", Instant.now().getEpochSecond());
        root.put("model", request.model().isEmpty() ? ScriptedLlmServer.MODEL : request.model());
        return root;
    }

    /** The field the reply's reasoning goes to; null when it has none or it goes inline. */
    private String reasoningField(Reply.Completion reply) {
        if (reply.reasoning() == null) {
            return null;
        }
        if (reply.reasoningField() != null) {
            return reply.reasoningField();
        }
        return shape == null ? "reasoning_content" : shape.reasoningField();
    }

    /** The text as sent: with the reasoning before it in a think block when the imitated server leaves it inline. */
    private String content(Reply.Completion reply) {
        if (reply.reasoning() != null && reply.reasoningField() == null && shape != null && shape.reasoningInline()) {
            return "<think>\n" + reply.reasoning() + "\n</think>\n\n" + (reply.content() == null ? ""
                    : reply.content());
        }
        return reply.content();
    }

    private static void putArguments(ObjectNode function, Reply.ToolCall call) {
        if (call.asObject()) {
            try {
                function.set("arguments", JSON.readTree(call.argumentsJson()));
            } catch (IOException e) {
                throw new IllegalArgumentException("object arguments must be a JSON object: " + call.argumentsJson());
            }
        } else {
            function.put("arguments", call.argumentsJson());
        }
    }

    private void putUsage(ObjectNode root, LlmRequest request, Reply.Completion reply) {
        int completionChars = (reply.content() == null ? 0 : reply.content().length())
                + (reply.reasoning() == null ? 0 : reply.reasoning().length());
        for (Reply.ToolCall call : reply.calls()) {
            completionChars += call.name().length() + call.argumentsJson().length();
        }
        int[] usage = fixedUsage;
        int prompt = usage != null ? usage[0] : estimate(request.body().toString().length());
        int completion = usage != null ? usage[1] : estimate(completionChars);
        root.putObject("usage")
                .put("prompt_tokens", prompt)
                .put("completion_tokens", completion)
                .put("total_tokens", prompt + completion);
    }

    private static int estimate(int chars) {
        return Math.max(1, (chars + 3) / 4);
    }

}
