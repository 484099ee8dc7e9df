package dev.casebook.eval.scoring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * GAIA leaderboard submission files: JSONL with one {@code {"task_id", "model_answer", "reasoning_trace"}} per task.
 * A missing answer is written as an empty {@code model_answer} (the leaderboard requires the field).
 */
public final class GaiaSubmission {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One task's line. */
    public record Line(String taskId, String modelAnswer, String reasoningTrace) {
        public Line {
            Objects.requireNonNull(taskId, "taskId");
            modelAnswer = modelAnswer == null ? "" : modelAnswer;
        }
    }

    private GaiaSubmission() {
    }

    public static void write(List<Line> lines, Writer out) throws IOException {
        for (Line line : lines) {
            out.write(toJson(line));
            out.write('\n');
        }
        out.flush();
    }

    public static String toJson(Line line) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("task_id", line.taskId());
        map.put("model_answer", line.modelAnswer());
        if (line.reasoningTrace() != null) {
            map.put("reasoning_trace", line.reasoningTrace());
        }
        try {
            return JSON.writeValueAsString(map);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a submission line could not be written as JSON", e);
        }
    }
}
