package dev.casebook.memory.policy.learned;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Random;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The Q-network: an MLP over {@link PairFeatures} rows that gives each (state, case) pair one logit, read as the
 * probability that showing the case leads to a rewarded episode. Trained by binary cross-entropy on the binary
 * reward, which is what single-step soft Q-learning reduces to.
 *
 * <p>A new network's hidden weights are drawn from a {@link Random} with the given seed (He initialisation), so it
 * does not depend on the engine's global random state, and its output weights start at zero: an untrained network
 * gives every pair the same logit, about 0 (probability 0.5), so it adds nothing to the similarity prior of
 * {@link LearnedPolicy}.
 *
 * <p>Thread-safe: any number of threads may {@link #score} at once; a {@link #train} step excludes scoring only for
 * the duration of that one mini-batch. Training steps of <em>all</em> networks in the JVM are serialised by
 * {@link #GRADIENTS}: DJL's PyTorch gradient collector is a process-wide singleton (a second one open at the same
 * time throws {@code IllegalStateException: A PtGradientCollector is already collecting}) and, when opened, zeroes
 * the gradients of every array the engine manages, so two networks training at once in two threads (two policies,
 * a benchmark beside a server) would fail or corrupt each other's gradients.
 */
public final class QNetwork implements AutoCloseable {

    /**
     * The untrained logit. Not exactly 0: DJL's binary cross-entropy on logits has a zero subgradient at logit 0 for
     * label 0 (it goes through relu and abs), so a batch of failures would not train a network that says exactly 0.
     */
    static final float OUTPUT_BIAS = 1e-4f;

    private final Settings settings;
    private final Model model;
    private final Trainer trainer;
    private final ParameterStore inference;
    /** Serialises gradient collection across every network of the JVM (see the class comment). */
    static final ReentrantLock GRADIENTS = new ReentrantLock();

    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile Runnable whileCollecting = () -> { };
    private long steps;

    /**
     * The network's shape and optimiser.
     *
     * @param dimension    embedding dimension of states and cases
     * @param hidden       units of each of the two hidden layers
     * @param learningRate Adam's learning rate
     */
    public record Settings(int dimension, int hidden, float learningRate) {
        public Settings {
            if (dimension < 1) {
                throw new IllegalArgumentException("dimension must be positive, was " + dimension);
            }
            if (hidden < 1) {
                throw new IllegalArgumentException("hidden must be positive, was " + hidden);
            }
            if (!(learningRate > 0)) {
                throw new IllegalArgumentException("learningRate must be positive, was " + learningRate);
            }
        }

        public static Settings defaults(int dimension) {
            return new Settings(dimension, 128, 1e-3f);
        }

        public int width() {
            return PairFeatures.width(dimension);
        }
    }

    private QNetwork(Settings settings, Model model, long seed) {
        this.settings = settings;
        this.model = model;
        DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.sigmoidBinaryCrossEntropyLoss())
                .optDevices(new Device[] {model.getNDManager().getDevice()})
                .optOptimizer(Optimizer.adam()
                        .optLearningRateTracker(Tracker.fixed(settings.learningRate()))
                        .build());
        this.trainer = model.newTrainer(config);
        this.trainer.initialize(new Shape(1, settings.width()));
        initialize(new Random(seed));
        this.inference = new ParameterStore(model.getNDManager(), false);
    }

    /** A freshly initialised network on {@link TorchRuntime#device()}, its weights drawn with seed 0. */
    public static QNetwork create(Settings settings) {
        return create(settings, 0);
    }

    /** A freshly initialised network on {@link TorchRuntime#device()}, its weights drawn with {@code seed}. */
    public static QNetwork create(Settings settings, long seed) {
        return create(settings, seed, TorchRuntime.device());
    }

    /**
     * A freshly initialised network on {@code device} of the PyTorch engine (benchmarks measure each device), its
     * weights drawn with {@code seed}.
     */
    public static QNetwork create(Settings settings, long seed, Device device) {
        TorchRuntime.engine();
        return new QNetwork(settings, newModel(settings, device), seed);
    }

    /**
     * He-normal hidden weights, zero hidden biases, zero output weights and an output bias of
     * {@value #OUTPUT_BIAS}, so every pair starts at the same logit, about 0.
     */
    private void initialize(Random random) {
        List<Parameter> parameters = model.getBlock().getParameters().values();
        Parameter outputWeight = parameters.get(parameters.size() - 2);
        Parameter outputBias = parameters.getLast();
        for (Parameter p : parameters) {
            Shape shape = p.getArray().getShape();
            float[] values = new float[Math.toIntExact(shape.size())];
            if (p == outputBias) {
                values[0] = OUTPUT_BIAS;
            } else if (p.getType() == Parameter.Type.WEIGHT && p != outputWeight) {
                double sd = Math.sqrt(2.0 / shape.get(1));
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) (sd * random.nextGaussian());
                }
            }
            p.getArray().set(values);
        }
    }

    private static Model newModel(Settings settings, Device device) {
        Model model = Model.newInstance(TorchRuntime.MODEL, device, TorchRuntime.ENGINE);
        model.setBlock(block(settings));
        return model;
    }

    private static Block block(Settings settings) {
        return new SequentialBlock()
                .add(Linear.builder().setUnits(settings.hidden()).build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(settings.hidden()).build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(1).build());
    }

    public Settings settings() {
        return settings;
    }

    public Device device() {
        return model.getNDManager().getDevice();
    }

    /** Mini-batch steps trained so far (including those of the checkpoint it was loaded from). */
    public long steps() {
        lock.readLock().lock();
        try {
            return steps;
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Logits of {@code rows} pairs in one batched forward pass; {@code features} holds the rows one after the
     * other, each {@link Settings#width()} wide.
     */
    public float[] score(float[] features, int rows) {
        checkBatch(features, rows);
        if (rows == 0) {
            return new float[0];
        }
        lock.readLock().lock();
        try (NDManager manager = model.getNDManager().newSubManager()) {
            NDArray x = manager.create(features, new Shape(rows, settings.width()));
            NDArray logits = model.getBlock().forward(inference, new NDList(x), false).singletonOrThrow();
            return logits.toType(DataType.FLOAT32, false).toFloatArray();
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * One optimiser step on a mini-batch of {@code rows} pairs with binary rewards (0 or 1, or a probability);
     * returns the mini-batch's mean binary cross-entropy before the step.
     */
    public float train(float[] features, float[] rewards, int rows) {
        checkBatch(features, rows);
        if (rewards.length != rows) {
            throw new IllegalArgumentException("need one reward per row: " + rewards.length + " rewards, " + rows
                    + " rows");
        }
        if (rows == 0) {
            throw new IllegalArgumentException("a mini-batch needs at least one row");
        }
        return step(features, rows, (manager, logits) -> trainer.getLoss().evaluate(
                new NDList(manager.create(rewards, new Shape(rows, 1))), new NDList(logits)));
    }

    /** A loss over a mini-batch's logits ({@code rows × 1}), built with arrays of {@code manager}. */
    @FunctionalInterface
    interface BatchLoss {
        NDArray of(NDManager manager, NDArray logits);
    }

    /**
     * One optimiser step minimising {@code loss} of the mini-batch's logits; returns the loss before the step. Holds
     * this network's write lock and the JVM-wide {@link #GRADIENTS} lock for the step.
     */
    float step(float[] features, int rows, BatchLoss loss) {
        checkBatch(features, rows);
        if (rows == 0) {
            throw new IllegalArgumentException("a mini-batch needs at least one row");
        }
        lock.writeLock().lock();
        GRADIENTS.lock();
        try (NDManager manager = model.getNDManager().newSubManager()) {
            NDArray x = manager.create(features, new Shape(rows, settings.width()));
            float value;
            try (GradientCollector collector = trainer.newGradientCollector()) {
                whileCollecting.run();
                NDArray logits = trainer.forward(new NDList(x)).singletonOrThrow();
                NDArray total = loss.of(manager, logits);
                value = total.getFloat();
                collector.backward(total);
            }
            trainer.step();
            steps++;
            return value;
        } finally {
            GRADIENTS.unlock();
            lock.writeLock().unlock();
        }
    }

    /** For tests: runs {@code hook} in every training step while its gradient collector is open. */
    void whileCollecting(Runnable hook) {
        this.whileCollecting = hook == null ? () -> { } : hook;
    }

    /** Writes the parameters (DJL's format) while no training step can change them. */
    void saveParameters(OutputStream out) throws IOException {
        lock.readLock().lock();
        try {
            model.getBlock().saveParameters(new DataOutputStream(out));
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Replaces the parameters by those {@link #saveParameters} wrote, and the step count by {@code steps}. */
    void loadParameters(InputStream in, long steps) throws IOException, MalformedModelException {
        lock.writeLock().lock();
        try {
            model.getBlock().loadParameters(model.getNDManager(), new DataInputStream(in));
            this.steps = steps;
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void checkBatch(float[] features, int rows) {
        if (rows < 0 || (long) rows * settings.width() != features.length) {
            throw new IllegalArgumentException("features hold " + features.length + " values, expected " + rows
                    + " rows of width " + settings.width());
        }
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            trainer.close();
            model.close();
        } finally {
            lock.writeLock().unlock();
        }
    }
}
