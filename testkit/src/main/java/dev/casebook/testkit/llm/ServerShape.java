package dev.casebook.testkit.llm;

import java.util.Set;

/**
 * How a real OpenAI-compatible server shapes what the {@link ScriptedLlmServer} sends when it imitates it
 * ({@link ScriptedLlmServer#imitate(ServerShape)}): where a reply's reasoning goes, what its errors look like, and
 * which {@code response_format} types it refuses. Each follows the server's public documentation, named on the
 * constant; the same script then replays as each server would answer it.
 */
public enum ServerShape {
    /**
     * OpenAI Chat Completions (platform.openai.com/docs/api-reference/chat): no reasoning text in the reply, usage in
     * every non-streamed reply and, with {@code stream_options.include_usage}, in a last chunk whose {@code choices}
     * is empty; a prompt too long is HTTP 400 {@code {"error": {"code": "context_length_exceeded", ...}}}.
     */
    OPENAI(null, false, 400, """
            {"error": {"message": "This model's maximum context length is 128000 tokens. However, your messages \
            resulted in 131072 tokens. Please reduce the length of the messages.", "type": "invalid_request_error", \
            "param": "messages", "code": "context_length_exceeded"}}""", Set.of()),

    /**
     * vLLM with a reasoning parser (docs.vllm.ai/en/stable/features/reasoning_outputs): the reasoning in the field
     * {@code reasoning} (called {@code reasoning_content} before 0.10), also in streamed deltas; errors as
     * {@code {"object": "error", "message": ..., "type": "BadRequestError", "code": 400}}.
     */
    VLLM("reasoning", false, 400, """
            {"object": "error", "message": "This model's maximum context length is 32768 tokens. However, you \
            requested 33792 tokens (31744 in the messages, 2048 in the completion). Please reduce the length of the \
            messages or completion.", "type": "BadRequestError", "param": null, "code": 400}""", Set.of()),

    /**
     * vLLM without {@code --reasoning-parser} (docs.vllm.ai/en/stable/features/reasoning_outputs: the parser is what
     * separates it): a reasoning model's {@code <think>…</think>} stays in {@code content}.
     */
    VLLM_WITHOUT_REASONING_PARSER(null, true, 400, VLLM.contextWindowBody, Set.of()),

    /**
     * llama.cpp's {@code llama-server} (github.com/ggml-org/llama.cpp, tools/server/README.md: {@code
     * --reasoning-format deepseek} puts reasoning in {@code reasoning_content}; pull 15780: a prompt too long is
     * {@code {"error": {"code": 400, "type": "exceed_context_size_error", "n_prompt_tokens", "n_ctx"}}}).
     */
    LLAMA_CPP("reasoning_content", false, 400, """
            {"error": {"code": 400, "message": "the request exceeds the available context size, try increasing it", \
            "type": "exceed_context_size_error", "n_prompt_tokens": 8290, "n_ctx": 8192}}""", Set.of()),

    /**
     * Ollama's OpenAI compatibility, {@code /v1} (github.com/ollama/ollama, docs/openai.md): thinking models' reasoning
     * in the field {@code reasoning}, in full replies and deltas; its words for a prompt longer than the context
     * ("the input length exceeds the context length") in OpenAI's error object.
     */
    OLLAMA("reasoning", false, 400, """
            {"error": {"message": "the input length exceeds the context length", "type": "api_error", \
            "param": null, "code": null}}""", Set.of()),

    /**
     * LM Studio's OpenAI-compatible endpoints (lmstudio.ai/docs/developer/openai-compat; structured output:
     * lmstudio.ai/docs/advanced/structured-output): reasoning in {@code reasoning_content} when separated, and
     * {@code response_format} only of type {@code json_schema}: {@code json_object} is HTTP 400
     * {@code {"error": "'response_format.type' must be 'json_schema' or 'text'"}}.
     */
    LM_STUDIO("reasoning_content", false, 400, """
            {"error": "Trying to keep the first 9000 tokens when context the overflows. However, the model is loaded \
            with context length of only 8192 tokens, which is not enough. The number of tokens to keep from the \
            initial prompt is greater than the context length."}""", Set.of("json_object")),

    /**
     * The DeepSeek API (api-docs.deepseek.com/guides/reasoning_model, /guides/json_mode): {@code deepseek-reasoner}'s
     * chain of thought in {@code reasoning_content}; JSON output as {@code json_object} only; a prompt too long is
     * OpenAI's "maximum context length" message.
     */
    DEEPSEEK("reasoning_content", false, 400, """
            {"error": {"message": "This model's maximum context length is 65536 tokens. However, you requested 70000 \
            tokens (66000 in the messages, 4000 in the completion). Please reduce the length of the messages or \
            completion.", "type": "invalid_request_error", "param": null, "code": "invalid_request_error"}}""",
            Set.of("json_schema"));

    private final String reasoningField;
    private final boolean reasoningInline;
    private final int contextWindowStatus;
    private final String contextWindowBody;
    private final Set<String> refusedFormats;

    ServerShape(String reasoningField, boolean reasoningInline, int contextWindowStatus, String contextWindowBody,
            Set<String> refusedFormats) {
        this.reasoningField = reasoningField;
        this.reasoningInline = reasoningInline;
        this.contextWindowStatus = contextWindowStatus;
        this.contextWindowBody = contextWindowBody;
        this.refusedFormats = refusedFormats;
    }

    /** The message field reasoning goes to; null when it is not sent as a field (inline, or not at all). */
    public String reasoningField() {
        return reasoningField;
    }

    /** True when reasoning stays in {@code content} as {@code <think>…</think>}. */
    public boolean reasoningInline() {
        return reasoningInline;
    }

    public int contextWindowStatus() {
        return contextWindowStatus;
    }

    /** The body of the server's answer to a prompt longer than its context window. */
    public String contextWindowBody() {
        return contextWindowBody;
    }

    /** The {@code response_format} types the server refuses with HTTP 400. */
    public Set<String> refusedFormats() {
        return refusedFormats;
    }

    /** The server's HTTP 400 body refusing a {@code response_format} type. */
    public String formatRefusalBody(String type) {
        return switch (this) {
            case LM_STUDIO -> "{\"error\": \"'response_format.type' must be 'json_schema' or 'text'\"}";
            case DEEPSEEK -> "{\"error\": {\"message\": \"This response_format type is unavailable now\", \"type\": "
                    + "\"invalid_request_error\", \"param\": null, \"code\": \"invalid_request_error\"}}";
            default -> "{\"error\": {\"message\": \"response_format type '" + type + "' is not supported\", "
                    + "\"type\": \"invalid_request_error\", \"param\": \"response_format\", \"code\": null}}";
        };
    }
}
