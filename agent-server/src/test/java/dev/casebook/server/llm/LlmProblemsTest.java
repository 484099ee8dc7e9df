package dev.casebook.server.llm;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** An {@link LlmException} that reaches a controller is a problem that blames the model, by its kind. */
class LlmProblemsTest {

    @RestController
    static class Endpoints {
        @GetMapping("/ask")
        String ask(@RequestParam String kind) {
            throw new LlmException(LlmException.Kind.valueOf(kind), "judge at http://127.0.0.1:9/v1: HTTP 503 after 3"
                    + " attempts", 3, null);
        }
    }

    private final MockMvc mvc = MockMvcBuilders.standaloneSetup(new Endpoints())
            .setControllerAdvice(new LlmProblems()).build();

    @Test
    void an_unavailable_model_is_a_503_problem_that_says_trying_later_may_help() throws Exception {
        mvc.perform(get("/ask").param("kind", "UNAVAILABLE"))
                .andExpect(status().isServiceUnavailable())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.reason").value("llm_unavailable"))
                .andExpect(jsonPath("$.detail").value("the model gave no usable reply (llm_unavailable): judge at"
                        + " http://127.0.0.1:9/v1: HTTP 503 after 3 attempts; trying again later may help"));
    }

    @Test
    void a_refused_or_cut_reply_is_a_502_and_a_call_out_of_time_a_504() throws Exception {
        mvc.perform(get("/ask").param("kind", "REJECTED"))
                .andExpect(status().isBadGateway())
                .andExpect(jsonPath("$.reason").value("llm_rejected"))
                .andExpect(jsonPath("$.detail").value("the model gave no usable reply (llm_rejected): judge at"
                        + " http://127.0.0.1:9/v1: HTTP 503 after 3 attempts"));
        mvc.perform(get("/ask").param("kind", "TRUNCATED")).andExpect(status().isBadGateway());
        mvc.perform(get("/ask").param("kind", "CONTEXT_WINDOW")).andExpect(status().isBadGateway());
        mvc.perform(get("/ask").param("kind", "DEADLINE")).andExpect(status().isGatewayTimeout())
                .andExpect(jsonPath("$.reason").value("budget_time"));
    }
}
