package dev.casebook.inference.embedding;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a text into the token sequences the encoder runs, the way LangChain4j's in-process embedding models do
 * (so the vectors stay those of the stores written before): the text's word pieces without {@code [CLS]} and
 * {@code [SEP]} are cut into windows of at most {@value #MAX_TOKENS}, a window never ending inside a word (before
 * a {@code ##} piece); each window is turned back into text and encoded again with its special tokens. A window
 * whose text does not give the same pieces again is encoded from its pieces joined without spaces, as there.
 */
final class TokenWindows {

    /** Word pieces per window: the model's 512 positions less {@code [CLS]} and {@code [SEP]}. */
    static final int MAX_TOKENS = 510;

    /** One window: its token ids with the special tokens, and its weight (word pieces) in the text's average. */
    record Window(long[] ids, int weight) {
    }

    private final HuggingFaceTokenizer tokenizer;

    TokenWindows(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** The windows of {@code text}; none for a text without word pieces. */
    List<Window> split(String text) {
        List<String> pieces = tokenizer.tokenize(text);
        List<Window> windows = new ArrayList<>();
        int end = pieces.size() - 1;
        int from = 1;
        while (from < end) {
            int to = cut(pieces, from, end);
            List<String> window = pieces.subList(from, to);
            windows.add(new Window(tokenizer.encode(asText(window), true, false).getIds(), window.size()));
            from = to;
        }
        return windows;
    }

    private static int cut(List<String> pieces, int from, int end) {
        int to = from + MAX_TOKENS;
        if (to >= end) {
            return end;
        }
        int wordStart = to;
        while (wordStart > from && pieces.get(wordStart).startsWith("##")) {
            wordStart--;
        }
        return wordStart > from ? wordStart : to;
    }

    private String asText(List<String> window) {
        String sentence = tokenizer.buildSentence(window);
        List<String> again = tokenizer.tokenize(sentence);
        boolean same = again.size() == window.size() + 2 && again.subList(1, again.size() - 1).equals(window);
        return same ? sentence : String.join("", window);
    }
}
