package dev.casebook.testkit.llm;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * The scripted rules of a {@link ScriptedLlmServer}: tried in the order they were added; the first whose predicate
 * matches and that has uses left answers, giving its replies in turn and repeating its last one. Thread-safe.
 */
final class Rules {
    private final List<Rule> rules = new CopyOnWriteArrayList<>();

    void add(Predicate<LlmRequest> predicate, List<Reply> replies, int times) {
        rules.add(new Rule(predicate, replies, times));
    }

    /** The reply of the first rule that answers the request; null when none does. */
    synchronized Reply choose(LlmRequest request) {
        for (Rule rule : rules) {
            Reply reply = rule.take(request);
            if (reply != null) {
                return reply;
            }
        }
        return null;
    }

    void clear() {
        rules.clear();
    }

    private static final class Rule {
        private final Predicate<LlmRequest> predicate;
        private final List<Reply> replies;
        private int remaining;
        private int used;

        Rule(Predicate<LlmRequest> predicate, List<Reply> replies, int times) {
            this.predicate = predicate;
            this.replies = List.copyOf(replies);
            this.remaining = times;
        }

        /** The next reply when this rule matches and has uses left, else null. Called under the rules' lock. */
        Reply take(LlmRequest request) {
            if (remaining <= 0 || !predicate.test(request)) {
                return null;
            }
            remaining--;
            return replies.get(Math.min(used++, replies.size() - 1));
        }
    }
}
