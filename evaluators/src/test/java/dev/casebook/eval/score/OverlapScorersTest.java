package dev.casebook.eval.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Expected values computed once with the reference Python normalisations. */
class OverlapScorersTest {
    private final Scorer deepResearcher = new DeepResearcherOverlap();
    private final Scorer squad = SquadOverlap.squad();
    private final Scorer hotpot = SquadOverlap.hotpotqa();

    @ParameterizedTest(name = "{0} vs {1}")
    @CsvSource(delimiter = '|', value = {
            // prediction | gold alternatives (;) | DeepResearcher F1 | EM | SQuAD F1 | EM | HotpotQA F1
            "The Eiffel Tower | Eiffel Tower | 0.8 | false | 1.0 | true | 1.0",
            "paris paris france | Paris | 0.6666666666666666 | false | 0.5 | false | 0.5",
            "New-York City | new york | 0.8 | false | 0 | false | 0",
            "the the cat | the cat sat | 0.8 | false | 0.6666666666666666 | false | 0.6666666666666666",
            "U.S.A. | usa | 0 | false | 1.0 | true | 1.0",
            "Barack Obama | Obama;Barack Hussein Obama | 0.8 | false | 0.8 | false | 0.8",
            "yes it is | yes | 0.5 | false | 0.5 | false | 0",
            "an apple a day | apple day | 0.6666666666666666 | false | 1.0 | true | 1.0",
            "café au lait | Café | 0.5 | false | 0.5 | false | 0.5"})
    void matches_the_reference_normalisations(String prediction, String golds, double drF1, boolean drEm,
                                              double squadF1, boolean squadEm, double hotpotF1) {
        List<String> gold = List.of(golds.split(";"));
        assertOverlap(deepResearcher.score(prediction, gold), drF1, drEm);
        assertOverlap(squad.score(prediction, gold), squadF1, squadEm);
        assertOverlap(hotpot.score(prediction, gold), hotpotF1, squadEm);
    }

    @Test
    void deepresearcher_counts_repeated_words_once_where_squad_counts_them_all() {
        // set overlap: {paris, france} vs {paris} -> p=1/2, r=1; multiset: 1 of 3 -> p=1/3, r=1
        assertThat(deepResearcher.score("paris paris france", List.of("paris")).value()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(squad.score("paris paris france", List.of("paris")).value()).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void deepresearcher_turns_punctuation_into_spaces_and_keeps_articles() {
        assertThat(DeepResearcherOverlap.normalize("  The  U.S.-led\tCOALITION! ")).isEqualTo("the u s led coalition");
        assertThat(SquadOverlap.normalize("  The  U.S.-led\tCOALITION! ")).isEqualTo("usled coalition");
    }

    @Test
    void exact_match_is_true_when_any_gold_alternative_matches_after_normalisation() {
        assertThat(deepResearcher.score("barack obama!", List.of("Obama", "Barack  Obama")).correct()).isTrue();
        assertThat(squad.score("the Obama", List.of("Michelle", "obama")).correct()).isTrue();
    }

    @Test
    void missing_prediction_scores_zero() {
        assertOverlap(deepResearcher.score(null, List.of("x")), 0, false);
        assertOverlap(squad.score(null, List.of("x")), 0, false);
    }

    @Test
    void empty_gold_list_is_refused() {
        assertThatThrownBy(() -> deepResearcher.score("x", List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("at least one gold answer is required");
    }

    @Test
    void scorers_are_found_by_name_and_unknown_names_list_the_known_ones() {
        assertThat(Scorers.byName("gaia")).isInstanceOf(GaiaQuasiExactMatch.class);
        assertThat(Scorers.byName("hotpotqa").name()).isEqualTo("hotpotqa");
        assertThatThrownBy(() -> Scorers.byName("bleu"))
                .isInstanceOf(UnknownScorerException.class)
                .hasMessage("unknown scorer 'bleu'; known: deepresearcher, gaia, hotpotqa, squad");
    }

    private static void assertOverlap(ScoreResult result, double f1, boolean em) {
        assertThat(result).isInstanceOf(ScoreResult.Overlap.class);
        assertThat(result.value()).isCloseTo(f1, within(1e-12));
        assertThat(result.correct()).isEqualTo(em);
    }
}
