package dev.casebook.server.evaluation;

import dev.casebook.eval.score.JudgeNotConfiguredException;
import dev.casebook.eval.score.JudgeUnavailableException;
import dev.casebook.eval.scoring.MalformedInputException;
import dev.casebook.eval.scoring.ScorerRegistry;
import dev.casebook.eval.scoring.ScoringJob;
import dev.casebook.eval.scoring.ScoringReport;
import dev.casebook.server.llm.LlmException;
import dev.casebook.server.llm.LlmProblems;
import dev.casebook.server.web.ApiException;
import dev.casebook.server.web.InvalidRequestException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
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
            + "{id, prediction, gold, scorer} lines; the report per line and in aggregate. 400 for a bad line (the "
            + "whole input is checked first), 503 when a line names a judge scorer and no judge model is configured "
            + "or the judge model was unavailable (retries spent), 504 when its call ran out of time, 502 when it "
            + "refused or gave no usable reply")
    @ApiResponse(responseCode = "200", description = "the report")
    @ApiResponse(responseCode = "400", description = "a bad line or body", content = @Content(
            mediaType = "application/problem+json"))
    @ApiResponse(responseCode = "502", description = "the judge model refused or gave no usable reply",
            content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(responseCode = "503", description = "no judge model is configured, or it was unavailable",
            content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(responseCode = "504", description = "the judge model's call ran out of time",
            content = @Content(mediaType = "application/problem+json"))
    Map<String, Object> score(@RequestBody(required = false) String body, @RequestParam(required = false) String scorer) {
        if (body == null || body.isBlank()) {
            throw ApiException.badRequest("a JSONL body of {id, prediction, gold, scorer} lines is required");
        }
        ScoringReport report;
        try {
            report = new ScoringJob(registry).score(new StringReader(body), scorer);
        } catch (MalformedInputException e) {
            throw ApiException.badRequest(e.getMessage());
        } catch (JudgeNotConfiguredException e) { // the input is good (all of it was read first): the server lacks
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(e.getMessage(), e);
        } catch (JudgeUnavailableException e) {
            throw judgeFailed(e);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("items", report.items().stream().map(ScoringReport.Scored::toMap).toList());
        out.put("summary", report.summary());
        return out;
    }

    /** As any failed model call: 503 when the judge was unavailable, 504 out of time, else 502 (not a verdict). */
    private static ApiException judgeFailed(JudgeUnavailableException e) {
        if (e.getCause() instanceof LlmException llm) {
            return new ApiException(LlmProblems.status(llm.kind()), e.getMessage() + " (" + llm.kind().reason()
                    + ")" + LlmProblems.retryHint(llm));
        }
        return new ApiException(HttpStatus.BAD_GATEWAY, e.getMessage());
    }
}
