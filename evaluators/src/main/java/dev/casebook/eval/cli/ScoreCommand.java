package dev.casebook.eval.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.casebook.eval.score.JudgeNotConfiguredException;
import dev.casebook.eval.score.JudgeUnavailableException;
import dev.casebook.eval.scoring.GaiaSubmission;
import dev.casebook.eval.scoring.MalformedInputException;
import dev.casebook.eval.scoring.ScorerRegistry;
import dev.casebook.eval.scoring.ScoringInput;
import dev.casebook.eval.scoring.ScoringJob;
import dev.casebook.eval.scoring.ScoringLine;
import dev.casebook.eval.scoring.ScoringReport;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores a JSONL of {@code {id, prediction, gold, scorer}} without running the agent; prints one JSON line per input
 * line and then a summary line {@code {"summary": {scorer: {...}}}}. Run it as {@code ./casebook score IN.jsonl}
 * or {@code java -cp ... dev.casebook.eval.cli.ScoreCommand IN.jsonl}. Exit status 0 on success, 2 for bad usage or
 * input (the message names the line), 3 when the judge model fails.
 */
public final class ScoreCommand {
    static final String USAGE = """
            usage: ScoreCommand [options] INPUT.jsonl|-
              --scorer NAME            scorer for lines without one (gaia, deepresearcher, squad, hotpotqa, judge, simpleqa)
              --out FILE               write the scored lines there instead of standard output
              --gaia-submission FILE   also write a GAIA leaderboard submission {task_id, model_answer, reasoning_trace}
              --judge-base-url URL     OpenAI-compatible endpoint of the judge model (needed by judge and simpleqa)
              --judge-model NAME       the judge model's name
              --judge-api-key KEY      its API key (default: environment CASEBOOK_JUDGE_API_KEY, else "none")
              --judge-attempts N       calls per item while the reply cannot be parsed (default 3)""";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ScoreCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err));
    }

    static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err) {
        Map<String, String> options = new HashMap<>();
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                if (i + 1 >= args.length) {
                    err.println("option " + args[i] + " needs a value\n" + USAGE);
                    return 2;
                }
                options.put(args[i].substring(2), args[++i]);
            } else {
                positional.add(args[i]);
            }
        }
        List<String> known = List.of("scorer", "out", "gaia-submission", "judge-base-url", "judge-model", "judge-api-key", "judge-attempts");
        for (String option : options.keySet()) {
            if (!known.contains(option)) {
                err.println("unknown option --" + option + "\n" + USAGE);
                return 2;
            }
        }
        if (positional.size() != 1) {
            err.println(USAGE);
            return 2;
        }
        try {
            ScorerRegistry registry = registry(options);
            List<ScoringLine> lines;
            try (Reader reader = positional.getFirst().equals("-")
                    ? new InputStreamReader(stdin, StandardCharsets.UTF_8)
                    : Files.newBufferedReader(Path.of(positional.getFirst()), StandardCharsets.UTF_8)) {
                lines = ScoringInput.parse(reader, options.get("scorer"), registry.acceptedNames());
            }
            ScoringReport report = new ScoringJob(registry).score(lines);
            write(report, options.get("out"), out);
            if (options.containsKey("gaia-submission")) {
                try (Writer writer = Files.newBufferedWriter(Path.of(options.get("gaia-submission")), StandardCharsets.UTF_8)) {
                    GaiaSubmission.write(lines.stream()
                            .map(l -> new GaiaSubmission.Line(l.id(), l.prediction(), l.reasoningTrace())).toList(), writer);
                }
            }
            return 0;
        } catch (MalformedInputException | JudgeNotConfiguredException e) {
            err.println("score: " + e.getMessage());
            return 2;
        } catch (NumberFormatException e) {
            err.println("score: --judge-attempts must be a number: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("score: " + e);
            return 2;
        } catch (JudgeUnavailableException e) {
            err.println("score: " + e.getMessage());
            return 3;
        }
    }

    private static ScorerRegistry registry(Map<String, String> options) {
        String baseUrl = options.get("judge-base-url");
        if (baseUrl == null) {
            return ScorerRegistry.deterministic();
        }
        String apiKey = options.getOrDefault("judge-api-key",
                System.getenv().getOrDefault("CASEBOOK_JUDGE_API_KEY", "none"));
        OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(baseUrl).apiKey(apiKey)
                .modelName(options.getOrDefault("judge-model", "default")).build();
        return ScorerRegistry.withJudge(model, Integer.parseInt(options.getOrDefault("judge-attempts",
                String.valueOf(ScorerRegistry.DEFAULT_JUDGE_ATTEMPTS))));
    }

    private static void write(ScoringReport report, String outFile, PrintStream stdout) throws IOException {
        StringBuilder text = new StringBuilder();
        for (ScoringReport.Scored scored : report.items()) {
            text.append(JSON.writeValueAsString(scored.toMap())).append('\n');
        }
        text.append(JSON.writeValueAsString(Map.of("summary", report.summary()))).append('\n');
        if (outFile == null) {
            stdout.print(text);
            stdout.flush();
        } else {
            Files.writeString(Path.of(outFile), text, StandardCharsets.UTF_8);
        }
    }

}
