package dev.casebook.memory;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StorableTextTest {

    @Test
    void replaces_nul_and_unpaired_surrogates_with_the_replacement_character() {
        assertThat(StorableText.of("nul\u0000byte")).isEqualTo("nul\uFFFDbyte");
        assertThat(StorableText.of("high\ud800 low\udc00 end\ud83d")).isEqualTo("high\uFFFD low\uFFFD end\uFFFD");
        assertThat(StorableText.of("\udc00\ud800")).as("a pair in the wrong order is two lone halves")
                .isEqualTo("\uFFFD\uFFFD");
        assertThat(StorableText.of("\u0000\u0000")).isEqualTo("\uFFFD\uFFFD");
    }

    @Test
    void keeps_valid_pairs_and_every_other_character() {
        String text = "emoji \ud83d\ude00 tab\t newline\n control\u0001 accents é 中文 \uFFFD";
        assertThat(StorableText.of(text)).isSameAs(text);
        assertThat(StorableText.of("\ud83d\ude00\u0000\ud83d\ude00")).isEqualTo("\ud83d\ude00\uFFFD\ud83d\ude00");
    }

    @Test
    void leaves_null_and_empty_text_alone() {
        assertThat(StorableText.of(null)).isNull();
        assertThat(StorableText.of("")).isEmpty();
    }
}
