package dev.casebook.server.openai;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.springframework.http.MediaType;
import tools.jackson.databind.ObjectMapper;

/**
 * A streamed completion as OpenAI sends one: server-sent events whose data are {@code chat.completion.chunk}s, the
 * agent's progress as {@code reasoning_content} deltas, then the answer as {@code content} deltas, the chunk with the
 * {@code finish_reason}, the usage when asked for, and {@code data: [DONE]}. A failure after the stream started is an
 * event {@code {"error": ...}}, which OpenAI's SDKs raise. Every event is flushed at once, so a write to a client that
 * left fails ({@link IOException}) at the next event or comment.
 */
final class CompletionStream {
    /** Answers longer than this are sent as several content deltas, split between words. */
    private static final int CONTENT_PIECE = 24;

    private final OutputStream out;
    private final ObjectMapper json;
    private final String id;
    private final long created;
    private final String model;

    private CompletionStream(OutputStream out, ObjectMapper json, String id, long created, String model) {
        this.out = out;
        this.json = json;
        this.id = id;
        this.created = created;
        this.model = model;
    }

    /** Starts the stream: 200, the event-stream headers, and the first chunk with the assistant's role. */
    static CompletionStream start(HttpServletResponse response, ObjectMapper json, String id, long created,
            String model) throws IOException {
        response.setStatus(200);
        response.setContentType(MediaType.TEXT_EVENT_STREAM_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no");
        CompletionStream stream = new CompletionStream(response.getOutputStream(), json, id, created, model);
        stream.chunk(new CompletionBodies.Delta("assistant", "", null), null, null);
        return stream;
    }

    void reasoning(String text) throws IOException {
        chunk(CompletionBodies.Delta.reasoning(text), null, null);
    }

    /** The answer, in pieces of a few words. */
    void content(String text) throws IOException {
        int start = 0;
        while (start < text.length()) {
            int end = Math.min(text.length(), start + CONTENT_PIECE);
            while (end < text.length() && !Character.isWhitespace(text.charAt(end))) {
                end++;
            }
            chunk(CompletionBodies.Delta.content(text.substring(start, end)), null, null);
            start = end;
        }
    }

    void finish(String finishReason, CompletionBodies.Casebook casebook) throws IOException {
        chunk(new CompletionBodies.Delta(null, null, null), finishReason, casebook);
    }

    void usage(CompletionBodies.Usage usage) throws IOException {
        event(json.writeValueAsString(CompletionBodies.Chunk.usage(id, created, model, usage)));
    }

    void error(OpenAiError error) throws IOException {
        event(json.writeValueAsString(error.body()));
    }

    void done() throws IOException {
        event("[DONE]");
    }

    /** A comment line: clients ignore it; it keeps proxies from closing the stream and finds a client that left. */
    void keepAlive() throws IOException {
        write(": keep-alive\n\n");
    }

    private void chunk(CompletionBodies.Delta delta, String finishReason, CompletionBodies.Casebook casebook)
            throws IOException {
        event(json.writeValueAsString(new CompletionBodies.Chunk(id, created, model, delta, finishReason, casebook)));
    }

    private void event(String data) throws IOException {
        write("data: " + data + "\n\n");
    }

    private void write(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
