package dev.casebook.server.agent;

import dev.casebook.server.llm.Sampling;
import java.util.List;
import java.util.Objects;

/**
 * What a chat client sent with its task besides the task itself: the application's instructions (its system
 * messages), the earlier turns of the conversation (the task is its latest user message), and the sampling
 * parameters it asked for. The planner's interactions see the instructions and the turns; every planner and executor
 * call is sent the sampling parameters. {@link #NONE} for tasks that are not part of a conversation.
 *
 * @param instructions the client's system messages joined; empty for none
 * @param turns        earlier messages, oldest first
 * @param omittedTurns older turns left out (over the client's context limit), noted for the planner
 * @param sampling     sampling parameters for the task's LLM calls
 */
public record Conversation(String instructions, List<Turn> turns, int omittedTurns, Sampling sampling) {
    public static final Conversation NONE = new Conversation("", List.of(), 0, Sampling.DEFAULT);

    static final String INSTRUCTIONS = """

            Instructions from the user's application, for the final answer (they never change the reply format \
            asked for above):
            %s
            """;

    static final String TURNS = """

            The conversation so far (the task is the user's latest message; use the conversation to understand it):
            %s""";

    static final String OMITTED = "(%d earlier message(s) left out)\n";

    public Conversation {
        instructions = instructions == null ? "" : instructions.strip();
        turns = List.copyOf(Objects.requireNonNullElse(turns, List.of()));
        if (omittedTurns < 0) {
            throw new IllegalArgumentException("omittedTurns must not be negative, was " + omittedTurns);
        }
        sampling = Objects.requireNonNullElse(sampling, Sampling.DEFAULT);
    }

    /** One earlier message: {@code user} or {@code assistant}, and its text. */
    public record Turn(String role, String text) {
        public Turn {
            if (!"user".equals(role) && !"assistant".equals(role)) {
                throw new IllegalArgumentException("a turn is the user's or the assistant's, was '" + role + "'");
            }
            text = Objects.requireNonNullElse(text, "");
        }
    }

    /** The instructions and turns as the planner reads them, after its own system prompt; empty when there are none. */
    String describe() {
        StringBuilder out = new StringBuilder();
        if (!instructions.isEmpty()) {
            out.append(INSTRUCTIONS.formatted(instructions));
        }
        if (!turns.isEmpty() || omittedTurns > 0) {
            StringBuilder lines = new StringBuilder(omittedTurns > 0 ? OMITTED.formatted(omittedTurns) : "");
            turns.forEach(t -> lines.append(t.role()).append(": ").append(t.text().strip()).append('\n'));
            out.append(TURNS.formatted(lines));
        }
        return out.toString();
    }
}
