package dev.casebook.eval.score;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Expectations taken from CPython 3.11's {@code float(str)}. */
class PythonFloatTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
            "1_000|1000", "1e1_0|1e10", "1_0.2_5|10.25", "'  7 '|7", "+.5e-3|0.0005", "1.|1", ".5|0.5",
            "1E+5|100000", "-0|-0.0", "00012|12"})
    void parses_what_python_parses(String text, double expected) {
        assertThat(PythonFloat.parse(text)).isEqualTo(OptionalDouble.of(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1__0", "_1", "1_", "1_.5", "1._5", "1_e1", "in_f", "infinit", "infinityy", "NaN1",
            ".", "1e", "0x10", "1d", "1f", "1 0", "", "  ", "+-1", "++1", "1\u00b2", "\u001c1", "1\u001c", "1\u0000",
            "Infinity_", "1,000", "$5"})
    void refuses_what_python_refuses(String text) {
        assertThat(PythonFloat.parse(text)).isEmpty();
    }

    @Test
    void reads_unicode_decimal_digits() {
        assertThat(PythonFloat.parse("\u0661\u0662\u0663")).hasValue(123);
        assertThat(PythonFloat.parse("\uff11.\uff15")).hasValue(1.5);
        assertThat(PythonFloat.parse("\u0b6f")).hasValue(9);
        assertThat(PythonFloat.parse("\ud835\udfd7")).hasValue(9); // MATHEMATICAL BOLD DIGIT NINE, outside the BMP
    }

    @Test
    void strips_unicode_whitespace_around_the_number() {
        assertThat(PythonFloat.parse("\u00a042\u3000")).hasValue(42);
        assertThat(PythonFloat.parse("\u0085 1\u2028")).hasValue(1);
    }

    @Test
    void reads_infinity_and_nan_in_any_case_with_a_sign() {
        assertThat(PythonFloat.parse("inf")).hasValue(Double.POSITIVE_INFINITY);
        assertThat(PythonFloat.parse("+INFINITY")).hasValue(Double.POSITIVE_INFINITY);
        assertThat(PythonFloat.parse("-iNf")).hasValue(Double.NEGATIVE_INFINITY);
        assertThat(PythonFloat.parse(" -Infinity\n")).hasValue(Double.NEGATIVE_INFINITY);
        assertThat(PythonFloat.parse("nAn").getAsDouble()).isNaN();
        assertThat(PythonFloat.parse("-NAN").getAsDouble()).isNaN();
    }

    @Test
    void overflow_is_infinity_not_an_error() {
        assertThat(PythonFloat.parse("1e400")).hasValue(Double.POSITIVE_INFINITY);
        assertThat(PythonFloat.parse("-1e400")).hasValue(Double.NEGATIVE_INFINITY);
    }

    @Test
    void knows_python_whitespace() {
        assertThat(PythonFloat.isSpace(0xA0)).isTrue();
        assertThat(PythonFloat.isSpace(0x202F)).isTrue();
        assertThat(PythonFloat.isSpace(0x1C)).isTrue();
        assertThat(PythonFloat.isSpace(0x180E)).isFalse();
        assertThat(PythonFloat.isSpace(0x200B)).isFalse();
    }
}
