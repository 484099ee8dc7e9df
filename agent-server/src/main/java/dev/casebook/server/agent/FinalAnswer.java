package dev.casebook.server.agent;

import dev.casebook.llm.ReplyJson;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The answer in a reply, by GAIA's convention of a last line {@code FINAL ANSWER: <answer>}. The marker is looked for
 * only in the final-answer step's reply text (reasoning already split off, {@link dev.casebook.llm.ReplyText}), never
 * inside a JSON value of it, whether or not that JSON parses: a plan whose strings mention the marker is a plan. The
 * last marker wins and the answer is the rest of its line (the next line when the marker ends its own), without
 * markup around it and without JSON that follows it on the line. When there is no answer — an empty reply, a marker
 * followed by nothing, a JSON plan, JSON that does not parse — there is none: never a fragment.
 */
final class FinalAnswer {
    static final String MARKER = "FINAL ANSWER:";
    private static final Pattern MARKER_PATTERN = Pattern.compile(Pattern.quote(MARKER), Pattern.CASE_INSENSITIVE);
    private static final Pattern BOXED = Pattern.compile("^\\\\boxed\\{(.*)}$");
    /** The start of a JSON object or array of strings or objects, fenced or not (not {@code {1, 2}} or {@code [1, 2]}). */
    private static final Pattern JSON_START = Pattern.compile("\\s*(```[a-zA-Z]*\\s*)?(\\{\\s*[\"']|\\[\\s*[{\\[\"'])");
    private static final Pattern TRAILING_JSON = Pattern.compile("\\s*[\\[{]\\s*[\"']");
    private static final List<String> WRAPPERS = List.of("**", "__", "*", "`");

    private FinalAnswer() {
    }

    /** The answer of the final-answer step's reply text; empty when it holds none. */
    static Optional<String> extract(String text) {
        String t = text == null ? "" : text.strip();
        if (t.isEmpty()) {
            return Optional.empty();
        }
        List<ReplyJson.Span> json = ReplyJson.spans(t);
        int at = lastMarkerOutside(t, json, jsonStrings(t));
        if (at >= 0) {
            return clean(withoutTrailingJson(lineAfter(t.substring(at + MARKER.length()))));
        }
        if (json.isEmpty()) {
            // JSON that does not parse (a comma missing, cut short) is a broken plan or object, not an answer
            return JSON_START.matcher(t).lookingAt() ? Optional.empty() : clean(t);
        }
        // only JSON: an {"answer": ...} object that is the whole reply is an answer; a plan, or anything else, is not
        ReplyJson.Span only = json.getFirst();
        if (json.size() == 1 && outside(t, only).isBlank()) {
            for (String key : new String[] {"answer", "final_answer", "finalAnswer"}) {
                if (only.value().path(key).isValueNode() && !only.value().path(key).isNull()) {
                    return ofPlannerAnswer(only.value().path(key).asString());
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The planner's {@code "answer"} value as the answer: the planner answering is a final answer, read by the same
     * rules as the answer step's reply ({@link #extract}): a value that is the answer alone is the answer, one that
     * reasons before {@code FINAL ANSWER:} gives the rest of the last marker's line; empty when it holds none.
     */
    static Optional<String> ofPlannerAnswer(String value) {
        return extract(value);
    }

    /** Why a planner's {@code "answer"} value is not an answer (it holds a plan, or no answer); null if it is one. */
    static String notAnAnswer(String value) {
        String v = value == null ? "" : value.strip();
        if (looksLikePlan(v) || ReplyJson.spans(v).stream().anyMatch(s -> isPlan(s.value().toString()))) {
            return "the \"answer\" holds a plan; reply {\"subtasks\": [...]} to plan, or the answer alone";
        }
        if (ofPlannerAnswer(v).isEmpty()) {
            return "the \"answer\" holds no answer (it is empty, or nothing follows \"" + MARKER + "\")";
        }
        return null;
    }

    /** True when the text is a JSON plan rather than an answer (the reference implementation's failure mode). */
    static boolean looksLikePlan(String text) {
        String t = text == null ? "" : text.strip();
        return (t.startsWith("{") || t.startsWith("[") || t.startsWith("```")) && isPlan(t);
    }

    private static boolean isPlan(String json) {
        try {
            return PlanJson.parse(json, 50) instanceof PlannerDecision.Subtasks;
        } catch (PlanJson.Invalid e) {
            return false;
        }
    }

    private static int lastMarkerOutside(String text, List<ReplyJson.Span> json, BitSet jsonStrings) {
        Matcher m = MARKER_PATTERN.matcher(text);
        int last = -1;
        while (m.find()) {
            int at = m.start();
            if (!jsonStrings.get(at) && json.stream().noneMatch(s -> s.contains(at))) {
                last = at;
            }
        }
        return last;
    }

    /**
     * The characters of the text inside a double-quoted string within brackets: the string values of JSON, found
     * lexically so that JSON which does not parse (a comma missing, a reply cut inside a string) is covered too.
     */
    private static BitSet jsonStrings(String text) {
        BitSet inside = new BitSet(text.length());
        int depth = 0;
        boolean string = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (string) {
                inside.set(i);
                if (c == '\\' && i + 1 < text.length()) {
                    inside.set(++i);
                } else if (c == '"') {
                    string = false;
                }
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth = Math.max(0, depth - 1);
            } else if (c == '"' && depth > 0) {
                string = true;
                inside.set(i);
            }
        }
        return inside;
    }

    /** The answer without JSON that follows it on its line ({@code 391 {"plan": ...}}): plan remnants, not answer. */
    private static String withoutTrailingJson(String line) {
        Matcher json = TRAILING_JSON.matcher(line);
        return json.find() && !line.substring(0, json.start()).isBlank() ? line.substring(0, json.start()) : line;
    }

    /** The rest of the marker's line, or the line right after it when the marker ends its own. */
    private static String lineAfter(String rest) {
        String[] lines = rest.split("\\R", -1);
        if (!lines[0].isBlank()) {
            return lines[0];
        }
        return lines.length > 1 ? lines[1] : "";
    }

    private static Optional<String> clean(String answer) {
        String a = answer.strip();
        boolean changed = true;
        while (changed && a.length() > 1) {
            changed = false;
            for (String w : WRAPPERS) {
                if (a.length() > 2 * w.length() && a.startsWith(w) && a.endsWith(w)) {
                    a = a.substring(w.length(), a.length() - w.length()).strip();
                    changed = true;
                }
            }
            Matcher boxed = BOXED.matcher(a);
            if (boxed.matches()) {
                a = boxed.group(1).strip();
                changed = true;
            }
        }
        if (a.isEmpty() || looksLikePlan(a) || a.toUpperCase(Locale.ROOT).equals(MARKER.strip())) {
            return Optional.empty();
        }
        return Optional.of(a);
    }

    private static String outside(String text, ReplyJson.Span span) {
        return (text.substring(0, span.start()) + text.substring(span.end())).replace("```json", "")
                .replace("```", "");
    }
}
