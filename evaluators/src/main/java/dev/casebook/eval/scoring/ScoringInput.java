package dev.casebook.eval.scoring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the scoring input: JSONL, one object per line, {@code {id, prediction, gold, scorer}} with optional
 * {@code question} (judges use it) and {@code reasoning_trace} (for GAIA submissions). {@code gold} is a string (alternatives may be joined by
 * {@code <|answer_split|>}) or a list of strings; {@code prediction} may be null (no answer); {@code scorer} may be
 * left out when a default is given. Blank lines are skipped; any other bad line fails the whole input, naming it.
 */
public final class ScoringInput {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ANSWER_SPLIT = Pattern.compile(Pattern.quote("<|answer_split|>"));

    private ScoringInput() {
    }

    public static List<ScoringLine> parse(Reader reader, String defaultScorer, Set<String> knownScorers) {
        List<ScoringLine> lines = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        try (BufferedReader in = new BufferedReader(reader)) {
            long number = 0;
            for (String text = in.readLine(); text != null; text = in.readLine()) {
                number++;
                if (text.isBlank()) {
                    continue;
                }
                ScoringLine line = parseLine(number, text, defaultScorer, knownScorers);
                if (!seen.add(line.id() + "\u0000" + line.scorer())) {
                    throw new MalformedInputException(number, "duplicate id '" + line.id() + "' for scorer '" + line.scorer() + "'");
                }
                lines.add(line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the scoring input", e);
        }
        if (lines.isEmpty()) {
            throw new MalformedInputException(0, "no lines to score");
        }
        return lines;
    }

    private static ScoringLine parseLine(long number, String text, String defaultScorer, Set<String> knownScorers) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new MalformedInputException(number, "invalid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new MalformedInputException(number, "not a JSON object");
        }
        JsonNode id = node.get("id");
        if (id == null || !id.isValueNode() || id.isNull() || id.asText().isBlank()) {
            throw new MalformedInputException(number, "field 'id' is missing");
        }
        JsonNode prediction = node.get("prediction");
        if (prediction != null && !prediction.isNull() && !prediction.isValueNode()) {
            throw new MalformedInputException(number, "field 'prediction' must be a string or null");
        }
        String scorer = node.hasNonNull("scorer") ? node.get("scorer").asText() : defaultScorer;
        if (scorer == null || scorer.isBlank()) {
            throw new MalformedInputException(number, "field 'scorer' is missing and no default scorer was given");
        }
        if (!knownScorers.contains(scorer)) {
            throw new MalformedInputException(number, "unknown scorer '" + scorer + "'; known: " + String.join(", ", knownScorers.stream().sorted().toList()));
        }
        return new ScoringLine(number, id.asText(), node.hasNonNull("question") ? node.get("question").asText() : null,
                prediction == null || prediction.isNull() ? null : prediction.asText(), golds(number, node.get("gold")), scorer,
                node.hasNonNull("reasoning_trace") ? node.get("reasoning_trace").asText() : null);
    }

    private static List<String> golds(long number, JsonNode gold) {
        List<String> golds = new ArrayList<>();
        if (gold != null && gold.isArray()) {
            gold.forEach(g -> {
                if (g.isValueNode() && !g.isNull() && !g.asText().isBlank()) {
                    golds.add(g.asText());
                }
            });
        } else if (gold != null && gold.isValueNode() && !gold.isNull()) {
            for (String piece : ANSWER_SPLIT.split(gold.asText(), -1)) {
                if (!piece.isBlank()) {
                    golds.add(piece.strip());
                }
            }
        }
        if (golds.isEmpty()) {
            throw new MalformedInputException(number, "field 'gold' must be a non-empty string or list of strings");
        }
        return golds;
    }
}
