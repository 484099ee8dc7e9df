package dev.casebook.server.synthesis;

import dev.casebook.server.llm.LlmException;
import dev.casebook.server.llm.LlmProblems;
import dev.casebook.server.security.CurrentTenant;
import dev.casebook.server.web.ApiException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The experience model's fidelity on the caller's tenant's records: measure it, read the latest measurement. */
@RestController
@RequestMapping("/api/synthesis/fidelity")
@Tag(name = "Experience synthesis")
class FidelityController {
    private final Fidelity fidelity;

    FidelityController(Fidelity fidelity) {
        this.fidelity = fidelity;
    }

    /**
     * The body of {@code POST /api/synthesis/fidelity}.
     *
     * @param observations recorded real tool calls predicted again (default 20)
     * @param episodes     recorded real episodes, and sandbox rollouts, judged again (default 20 each)
     * @param models       {@code {"experience": "profile or model"}}, as dream jobs choose it
     */
    record Measure(Integer observations, Integer episodes, Map<String, String> models) {
    }

    @PostMapping
    @Operation(summary = "Measure the experience model's fidelity", description = "predicts recorded real tool calls "
            + "again (observation fidelity) and re-judges recorded real episodes and sandbox rollouts (reward "
            + "fidelity); stores and returns the report, with whether synthetic cases stay selectable. A failed "
            + "experience model call stores nothing and answers as any model call: 503 when the model was unavailable "
            + "(retries spent), 504 when the call ran out of time, 502 when it refused or gave no usable reply")
    @ApiResponse(responseCode = "200", description = "the stored report")
    @ApiResponse(responseCode = "400", description = "a sample count out of range or an unknown model",
            content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(responseCode = "502", description = "the experience model refused or gave no usable reply",
            content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(responseCode = "503", description = "no experience model is configured (or a chosen profile is "
            + "gone), or it was unavailable",
            content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(responseCode = "504", description = "the experience model's call ran out of time",
            content = @Content(mediaType = "application/problem+json"))
    Map<String, Object> measure(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant,
            @RequestBody(required = false) Measure body) throws InterruptedException {
        Measure m = body == null ? new Measure(null, null, null) : body;
        int observations = within("observations", m.observations());
        int episodes = within("episodes", m.episodes());
        try {
            return fidelity.measure(tenant, observations, episodes, m.models());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        } catch (IllegalStateException e) {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
        } catch (LlmException e) {
            throw new ApiException(LlmProblems.status(e.kind()), "the experience model gave no reply ("
                    + e.kind().reason() + "): " + e.getMessage() + "; nothing was stored"
                    + LlmProblems.retryHint(e));
        }
    }

    @GetMapping
    @Operation(summary = "The latest fidelity measurement", description = "measured false (and synthetic cases "
            + "selectable) when the tenant was never measured")
    Map<String, Object> latest(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant) {
        return fidelity.latest(tenant).orElseGet(fidelity::unmeasured);
    }

    private static int within(String field, Integer value) {
        int v = value == null ? 20 : value;
        if (v < 0 || v > Fidelity.MAX_SAMPLES) {
            throw ApiException.badRequest("field '" + field + "' must be within [0, " + Fidelity.MAX_SAMPLES
                    + "], was " + v);
        }
        return v;
    }
}
