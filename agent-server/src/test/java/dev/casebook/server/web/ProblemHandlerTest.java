package dev.casebook.server.web;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.casebook.memory.MemoryMode;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * How {@link ProblemHandler} tells a client mistake from a bug, through Spring MVC's own exception resolution: an
 * {@link InvalidRequestException} is a 400 with its detail, an {@link IllegalArgumentException} that escaped a
 * controller a 500 that shows nothing of its message.
 */
class ProblemHandlerTest {

    @RestController
    static class Endpoints {
        @GetMapping("/mode")
        String mode(@RequestParam String mode) {
            return InvalidRequestException.whenInvalid("parameter 'mode'", () -> MemoryMode.parse(mode)).wireName();
        }

        @GetMapping("/bug")
        String bug() {
            throw new IllegalArgumentException("index 7 out of bounds for the internal table t_secret");
        }
    }

    private final MockMvc mvc = MockMvcBuilders.standaloneSetup(new Endpoints())
            .setControllerAdvice(new ProblemHandler()).build();

    @Test
    void a_client_mistake_is_a_400_problem_that_says_what_was_wrong() throws Exception {
        mvc.perform(get("/mode").param("mode", "sometimes"))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.status").value(400))
                .andExpect(jsonPath("$.detail").value("parameter 'mode': memory mode must be one of off, read-only,"
                        + " read-write, was 'sometimes'"));
        mvc.perform(get("/mode").param("mode", "read-only")).andExpect(status().isOk());
    }

    @Test
    void an_illegal_argument_from_the_server_code_is_a_500_problem_with_a_generic_detail() throws Exception {
        mvc.perform(get("/bug"))
                .andExpect(status().isInternalServerError())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.status").value(500))
                .andExpect(jsonPath("$.detail").value(ProblemHandler.INTERNAL_DETAIL))
                .andExpect(jsonPath("$.detail").value(Matchers.not(Matchers.containsString("t_secret"))));
    }
}
