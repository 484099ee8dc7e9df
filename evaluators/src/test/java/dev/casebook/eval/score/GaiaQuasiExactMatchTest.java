package dev.casebook.eval.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GaiaQuasiExactMatchTest {
    private final GaiaQuasiExactMatch scorer = new GaiaQuasiExactMatch();

    /** (model answer, ground truth, verdict of the official Python scorer, computed once by running it). */
    static Stream<Arguments> officialVerdicts() {
        return Stream.of(
                arguments("$1,000", "1000", true),
                arguments("1000", "1,000", false),
                arguments("1,000", "1,000", true),
                arguments("17%", "17", true),
                arguments("17.0", "17", true),
                arguments(" 17 ", "17", true),
                arguments("1_000", "1000", true),
                arguments("1__000", "1000", false),
                arguments("_1000", "1000", false),
                arguments("1000_", "1000", false),
                arguments("\u0661\u0662\u0663", "123", true),
                arguments("\uff11\uff12", "12", true),
                arguments("\u00a042\u3000", "42", true),
                arguments("inf", "inf", true),
                arguments("-Infinity", "-inf", true),
                arguments("INF", "infinity", true),
                arguments("nan", "nan", false),
                arguments("banana", "inf", true),
                arguments("banana", "42", false),
                arguments("1e3", "1000", true),
                arguments("0x10", "16", false),
                arguments("1d", "1", false),
                arguments("1f", "1", false),
                arguments("NaN", "NaN", false),
                arguments("-0", "0", true),
                arguments(".5", "0.5", true),
                arguments("5.", "5", true),
                arguments("1e400", "inf", true),
                arguments("42 apples", "42", false),
                arguments(null, "42", false),
                arguments(null, "None", true),
                arguments("a, b", "a,b", true),
                arguments("a;b", "a,b", true),
                arguments("a,b,", "a,b,", true),
                arguments("a,b", "a,b,", false),
                arguments("A , B", "a,b", true),
                arguments("a.,b", "a,b", false),
                arguments("1, 2", "1,2", true),
                arguments("$1,2", "1,2", true),
                arguments("1.0;2", "1;2", true),
                arguments("x,1_0", "x,10", true),
                arguments("Sea Gull", "seagull", true),
                arguments("sea-gull!", "Seagull", true),
                arguments("St. Louis", "st louis", true),
                arguments("\u00dcn\u00efc\u00f6d\u00e9", "\u00fcn\u00efc\u00f6d\u00e9", true),
                arguments("a\u2003b", "ab", true),
                arguments("", "", true),
                arguments("", "x", false),
                arguments("a,,b", "a,,b", true),
                arguments("a,b", "a,,b", false),
                arguments("abc\u001c", "abc", true),
                arguments("1", "\u001c1", true),
                arguments("1", "1\u001c", true),
                arguments("10", "1_0", true),
                arguments("1 0", "10", false),
                arguments("+5", "5", true),
                arguments("5", "+5", true),
                arguments("(5)", "5", false),
                arguments("5$", "5", true),
                arguments("5.00%", "5", true),
                arguments("1", "1\u00b2", false),
                arguments("1\u00b2", "1\u00b2", true));
    }

    @ParameterizedTest(name = "[{index}] answer={0} truth={1} -> {2}")
    @MethodSource("officialVerdicts")
    void agrees_with_the_official_scorer(String answer, String truth, boolean expected) {
        assertThat(GaiaQuasiExactMatch.matches(answer, truth)).isEqualTo(expected);
    }

    @Test
    void numeric_truth_uses_the_number_branch_and_ignores_dollar_percent_and_commas() {
        assertThat(GaiaQuasiExactMatch.compare("$1,234.50", "1234.5"))
                .isEqualTo(new GaiaQuasiExactMatch.Comparison(true, GaiaQuasiExactMatch.Branch.NUMBER));
    }

    @Test
    void truth_with_comma_that_is_not_a_number_uses_the_list_branch() {
        assertThat(GaiaQuasiExactMatch.compare("1000", "1,000"))
                .isEqualTo(new GaiaQuasiExactMatch.Comparison(false, GaiaQuasiExactMatch.Branch.LIST));
    }

    @Test
    void list_elements_keep_punctuation_but_whole_strings_drop_it() {
        assertThat(GaiaQuasiExactMatch.matches("St. Louis, Paris", "St Louis, Paris")).isFalse();
        assertThat(GaiaQuasiExactMatch.matches("St. Louis", "St Louis")).isTrue();
    }

    @Test
    void unparseable_answer_counts_as_infinity() {
        assertThat(GaiaQuasiExactMatch.normalizeNumber("twelve")).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(GaiaQuasiExactMatch.matches("twelve", "inf")).isTrue();
    }

    @Test
    void nan_truth_never_matches() {
        assertThat(GaiaQuasiExactMatch.matches("nan", "nan")).isFalse();
        assertThat(GaiaQuasiExactMatch.matches("NaN", "-NAN")).isFalse();
    }

    @Test
    void scoring_takes_any_matching_gold_and_names_the_branch() {
        ScoreResult result = scorer.score("Paris", List.of("London", "paris"));
        assertThat(result).isEqualTo(new ScoreResult.Exact(true, "string"));
        assertThat(scorer.score("12", List.of("13"))).isEqualTo(new ScoreResult.Exact(false, "number"));
    }
}
