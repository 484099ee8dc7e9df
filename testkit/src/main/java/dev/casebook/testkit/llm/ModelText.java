package dev.casebook.testkit.llm;

import java.util.Objects;

/**
 * The text of a reply as models really write it around the JSON a step asks for: a reasoning block
 * ({@code <think>…</think>}) first, prose before and after, the object in a {@code ```json} fence, or a reply cut off
 * inside its reasoning. Built piece by piece in reading order, so a script shows the reply's shape:
 *
 * <pre>{@code
 * ModelText.thinking("The successes use the exact factor.").line("Here is the lesson:").fenced(json)
 *         .line("Hope this helps.").reply()
 * }</pre>
 *
 * The reasoning block is written into the text, as a server that does not split reasoning off sends it; for a
 * reasoning field use {@link Reply.Completion#withReasoning(String)}.
 */
public final class ModelText {
    private final String text;

    private ModelText(String text) {
        this.text = Objects.requireNonNull(text, "text");
    }

    /** A reply that opens with a closed reasoning block. */
    public static ModelText thinking(String reasoning) {
        return new ModelText("<think>" + reasoning + "</think>");
    }

    /** A reply cut off inside its reasoning block, which never closes (send it {@link Reply.Completion#truncated()}). */
    public static ModelText cutWhileThinking(String reasoning) {
        return new ModelText("<think>" + reasoning);
    }

    /** A reply that opens with prose and no reasoning. */
    public static ModelText saying(String prose) {
        return new ModelText(prose);
    }

    /** The text so far, then {@code more} on the same line: a JSON object right after the reasoning block. */
    public ModelText then(String more) {
        return new ModelText(text + more);
    }

    /** The text so far, then {@code more} on a line of its own. */
    public ModelText line(String more) {
        return new ModelText(text + "\n" + more);
    }

    /** The text so far, then {@code json} in a {@code ```json} fence on the lines after it. */
    public ModelText fenced(String json) {
        return line("```json").line(json).line("```");
    }

    public String text() {
        return text;
    }

    /** An assistant message with this text ({@link Reply#text(String)}). */
    public Reply.Completion reply() {
        return Reply.text(text);
    }
}
