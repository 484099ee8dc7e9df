package dev.casebook.server.synthesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.casebook.llm.ReplyJson;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExperienceRepliesTest {

    @Test
    void reads_a_transition_with_fences_prose_and_loose_types() throws Exception {
        Prediction.Predicted p = ExperienceReplies.prediction("""
                Here is the next state:
                ```json
                {"reasoning": "17 times 23", "observation": "391", "reward": "1", "done": "true",}
                ```""", 12, 2);

        assertThat(p).isEqualTo(new Prediction.Predicted("391", 1.0, true, "17 times 23", 2, 12));
    }

    @Test
    void a_transition_may_leave_reward_and_done_out_and_give_an_observation_as_json() throws Exception {
        Prediction.Predicted p = ExperienceReplies.prediction("{\"observation\": {\"rows\": [1, 2]}}", 0, 1);

        assertThat(p.observation()).isEqualTo("{\"rows\":[1,2]}");
        assertThat(p.reward()).isNull();
        assertThat(p.done()).isFalse();
        assertThat(p.reasoning()).isEmpty();
    }

    @Test
    void refuses_a_transition_without_observation_or_with_a_reward_out_of_range() {
        assertThatThrownBy(() -> ExperienceReplies.prediction("{\"observation\": \" \"}", 0, 1))
                .isInstanceOf(ReplyJson.Invalid.class).hasMessage("the JSON has no \"observation\"");
        assertThatThrownBy(() -> ExperienceReplies.prediction("{\"observation\": \"x\", \"reward\": 1.5}", 0, 1))
                .hasMessage("\"reward\" must be within [0, 1], was 1.5");
        assertThatThrownBy(() -> ExperienceReplies.prediction("{\"observation\": \"x\", \"reward\": \"high\"}", 0, 1))
                .hasMessage("\"reward\" must be a number within [0, 1] or null, was \"high\"");
        assertThatThrownBy(() -> ExperienceReplies.prediction("{\"observation\": \"x\", \"done\": 3}", 0, 1))
                .hasMessage("\"done\" must be true or false, was 3");
        assertThatThrownBy(() -> ExperienceReplies.prediction("[\"x\"]", 0, 1))
                .hasMessage("the reply is a JSON array, not the object asked for");
    }

    @Test
    void a_verdict_needs_a_reward() throws Exception {
        assertThat(ExperienceReplies.judgement("{\"reasoning\": \"right\", \"reward\": 0.25}", 5))
                .isEqualTo(new Judgement.Rated(0.25, "right", 5));
        assertThatThrownBy(() -> ExperienceReplies.judgement("{\"reasoning\": \"right\", \"reward\": null}", 5))
                .hasMessage("the JSON has no \"reward\"");
    }

    @Test
    void the_digest_of_a_history_numbers_the_latest_calls_and_cuts_long_results() {
        List<Transition> calls = List.of(Transition.real("search", "{\"q\": \"a\"}", "first\nresult", true),
                Transition.real("fetch", "{\"url\": \"u\"}", "x".repeat(500), false),
                Transition.real("calculator", "{\"expression\": \"1+1\"}", "2", true));

        assertThat(Transition.digest(calls, 2)).isEqualTo("(1 earlier call(s) left out)\n"
                + "2. fetch {\"url\": \"u\"} -> (failed) " + "x".repeat(400) + "...\n"
                + "3. calculator {\"expression\": \"1+1\"} -> 2");
        assertThat(Transition.digest(List.of(), 5)).isEqualTo("(none)");
    }
}
