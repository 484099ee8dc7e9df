package dev.casebook.bench.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A JVM started by a benchmark on its own class path (the same {@code java}), so that its CPU time is measured apart
 * from the benchmark's: {@link #cpuMillis()} reads the operating system's count for that process alone.
 */
public final class ChildJvm implements AutoCloseable {
    private final Process process;
    private final String name;

    private ChildJvm(Process process, String name) {
        this.process = process;
        this.name = name;
    }

    /**
     * Starts {@code mainClass} with {@code jvmOptions} and {@code args}; its standard error (and, when {@code log} is
     * not null, its standard output) go to {@code log}, else standard output stays readable through
     * {@link #process()}.
     */
    public static ChildJvm start(String name, List<String> jvmOptions, String mainClass, List<String> args, Path log)
            throws IOException {
        return start(name, jvmOptions, mainClass, args, log, System.getProperty("java.class.path"));
    }

    /** As {@link #start(String, List, String, List, Path)} on another class path. */
    public static ChildJvm start(String name, List<String> jvmOptions, String mainClass, List<String> args, Path log,
                                 String classPath) throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classPath);
        command.add(mainClass);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        if (log != null) {
            Files.createDirectories(log.toAbsolutePath().getParent());
            builder.redirectErrorStream(true).redirectOutput(log.toFile());
        } else {
            builder.redirectError(ProcessBuilder.Redirect.INHERIT);
        }
        ChildJvm child = new ChildJvm(builder.start(), name);
        Runtime.getRuntime().addShutdownHook(new Thread(child.process::destroyForcibly));
        return child;
    }

    public Process process() {
        return process;
    }

    /** CPU time (user and system) the process used so far, in milliseconds. */
    public double cpuMillis() {
        return process.info().totalCpuDuration().map(Duration::toNanos)
                .orElseThrow(() -> new IllegalStateException("the operating system does not report the CPU time of "
                        + name + " (pid " + process.pid() + ")")) / 1e6;
    }

    public void requireAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " (pid " + process.pid() + ") exited with " + process.exitValue());
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}
