package dev.casebook.server.evaluation;

import dev.casebook.eval.score.JudgeUnavailableException;
import dev.casebook.eval.scoring.MalformedInputException;
import dev.casebook.eval.scoring.ScorerRegistry;
import dev.casebook.eval.scoring.ScoringJob;
import dev.casebook.eval.scoring.ScoringReport;
import dev.casebook.server.web.ApiException;
import dev.casebook.server.web.InvalidRequestException;
import io.swagger.v3.oas.annotations.Operation;
import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Scores a JSONL of {@code {id, prediction, gold, scorer}} without running the agent. */
@RestController
@RequestMapping("/api/evaluations")
class ScoringController {
    private final ScorerRegistry registry;

    ScoringController(ScorerRegistry registry) {
        this.registry = registry;
    }

    @PostMapping(path = "/score", consumes = {"application/x-ndjson", "application/jsonl", "text/plain", "application/json"})
    @Operation(summary = "Score predictions without running the agent", description = "a JSONL body of "
            + "{id, prediction, gold, scorer} lines; the report per line and in aggregate")
    Map<String, Object> score(@RequestBody(required = false) String body, @RequestParam(required = false) String scorer) {
        if (body == null || body.isBlank()) {
            throw ApiException.badRequest("a JSONL body of {id, prediction, gold, scorer} lines is required");
        }
        ScoringReport report;
        try {
            report = InvalidRequestException.whenInvalid(() -> new ScoringJob(registry).score(new StringReader(body),
                    scorer));
        } catch (MalformedInputException e) {
            throw ApiException.badRequest(e.getMessage());
        } catch (JudgeUnavailableException e) {
            throw new ApiException(HttpStatus.BAD_GATEWAY, e.getMessage());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("items", report.items().stream().map(ScoringReport.Scored::toMap).toList());
        out.put("summary", report.summary());
        return out;
    }
}
