package dev.casebook.tools;

import java.util.Objects;

/** The outcome of a tool call that the model gets to see. */
public sealed interface ToolResult {

    /** The text returned to the model. */
    String text();

    /** The tool did its work. */
    record Ok(String text) implements ToolResult {
        public Ok {
            Objects.requireNonNull(text, "text");
        }
    }

    /** An expected failure, explained so that the model can change course. */
    record Failed(String text) implements ToolResult {
        public Failed {
            Objects.requireNonNull(text, "text");
        }
    }

    static ToolResult ok(String text) {
        return new Ok(text);
    }

    static ToolResult failed(String text) {
        return new Failed(text);
    }
}
