package dev.casebook.eval.score;

import java.util.List;

/** A scorer name that is not known; the message lists the known ones. */
public class UnknownScorerException extends IllegalArgumentException {
    public UnknownScorerException(String name, List<String> known) {
        super("unknown scorer '" + name + "'; known: " + String.join(", ", known));
    }
}
