package dev.casebook.llm;

import dev.langchain4j.data.message.AiMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A model's reply split into what it says ({@code text}) and how it reasoned ({@code reasoning}). Every interaction
 * reads replies through this, and parses only {@link #text()}: answers, JSON and tool calls are never looked for in the
 * reasoning.
 *
 * <p>Reasoning comes in a field of the reply ({@code reasoning_content} of DeepSeek, llama.cpp, LM Studio and older
 * vLLM; {@code reasoning} of vLLM 0.10 and later and of Ollama; LangChain4j reads both into
 * {@link AiMessage#thinking()}) or inline in the text, when no reasoning parser ran on the server:
 * <ul>
 *   <li>{@code <think>…</think>}, {@code <thinking>…</thinking>}, {@code <reasoning>…</reasoning>}, any number;</li>
 *   <li>an opening tag never closed (the token limit cut the reasoning): everything after it is reasoning;</li>
 *   <li>a closing tag without its opening (chat templates that open the block in the prompt, as DeepSeek-R1's
 *       distillations do): everything before it is reasoning;</li>
 *   <li>gpt-oss's harmony channels ({@code <|channel|>analysis<|message|>…<|end|>}, then
 *       {@code <|channel|>final<|message|>…}): the final channel is the text.</li>
 * </ul>
 *
 * @param text      the visible reply, stripped; empty when the model only reasoned
 * @param reasoning the reasoning, stripped, parts separated by a blank line; empty when there was none
 * @param unclosed  the inline reasoning was never closed (a reply cut inside it has no text)
 */
public record ReplyText(String text, String reasoning, boolean unclosed) {
    private static final Pattern OPEN = Pattern.compile("<(think|thinking|reasoning)>", Pattern.CASE_INSENSITIVE);
    private static final Pattern CLOSE = Pattern.compile("</(think|thinking|reasoning)>", Pattern.CASE_INSENSITIVE);
    private static final String HARMONY_FINAL = "<|channel|>final<|message|>";
    private static final Pattern HARMONY_TOKEN = Pattern.compile("<\\|[a-z_]+\\|>");

    public ReplyText {
        text = text == null ? "" : text.strip();
        reasoning = reasoning == null ? "" : reasoning.strip();
    }

    /** The reply of a LangChain4j message: its text and its thinking (the reasoning field of the reply). */
    public static ReplyText of(AiMessage message) {
        return message == null ? new ReplyText("", "", false) : of(message.text(), message.thinking());
    }

    /**
     * @param content        the {@code content} of the reply, as sent
     * @param reasoningField the reply's reasoning field; null or empty when it has none
     */
    public static ReplyText of(String content, String reasoningField) {
        List<String> reasoning = new ArrayList<>();
        if (reasoningField != null && !reasoningField.isBlank()) {
            reasoning.add(reasoningField.strip());
        }
        String rest = content == null ? "" : content;
        int harmony = rest.indexOf(HARMONY_FINAL);
        if (harmony >= 0) {
            reasoning.add(HARMONY_TOKEN.matcher(rest.substring(0, harmony)).replaceAll(" ").strip()
                    .replaceFirst("^analysis\\s*", ""));
            rest = HARMONY_TOKEN.matcher(rest.substring(harmony + HARMONY_FINAL.length())).replaceAll("");
        }
        Matcher open = OPEN.matcher(rest);
        Matcher close = CLOSE.matcher(rest);
        if (close.find() && (!open.find() || close.start() < open.start())) {
            reasoning.add(rest.substring(0, close.start()));
            rest = rest.substring(close.end());
        }
        StringBuilder text = new StringBuilder();
        boolean unclosed = false;
        while (!rest.isEmpty()) {
            Matcher m = OPEN.matcher(rest);
            if (!m.find()) {
                text.append(rest);
                break;
            }
            text.append(rest, 0, m.start());
            String closing = "</" + m.group(1).toLowerCase(Locale.ROOT) + ">";
            int end = rest.toLowerCase(Locale.ROOT).indexOf(closing, m.end());
            if (end < 0) {
                reasoning.add(rest.substring(m.end()));
                unclosed = true;
                break;
            }
            reasoning.add(rest.substring(m.end(), end));
            rest = rest.substring(end + closing.length());
        }
        return new ReplyText(text.toString(), String.join("\n\n", reasoning.stream().map(String::strip)
                .filter(r -> !r.isEmpty()).toList()), unclosed);
    }

    public boolean hasReasoning() {
        return !reasoning.isEmpty();
    }
}
