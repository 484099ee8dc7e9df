package dev.casebook.tools.code;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The interpreters found on this system: a Python 3 and the JDK this server runs on. */
record Runtimes(Optional<Interpreter> python, Optional<Interpreter> java, Optional<Interpreter> jshell) {

    /** An executable and the directory it needs visible inside the sandbox. */
    record Interpreter(Path executable, Path home, String version) {
    }

    static Runtimes detect() {
        return new Runtimes(findPython(), jdkTool("java"), jdkTool("jshell"));
    }

    private static Optional<Interpreter> jdkTool(String name) {
        Path home = Path.of(System.getProperty("java.home"));
        Path tool = home.resolve("bin").resolve(name);
        return Files.isExecutable(tool)
                ? Optional.of(new Interpreter(tool, home, "Java " + Runtime.version().feature()))
                : Optional.empty();
    }

    /** Prefers the system's {@code /usr/bin/python3}; else the first {@code python3} on the PATH, resolved to its real home. */
    private static Optional<Interpreter> findPython() {
        Path system = Path.of("/usr/bin/python3");
        if (Files.isExecutable(system)) {
            return ask(system);
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "python3");
            if (Files.isExecutable(candidate)) {
                return ask(candidate);
            }
        }
        return Optional.empty();
    }

    private static Optional<Interpreter> ask(Path python) {
        try {
            Process process = new ProcessBuilder(python.toString(), "-c",
                    "import sys; print(sys.executable); print(sys.base_prefix); print(sys.version.split()[0])")
                    .redirectErrorStream(true).start();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return Optional.empty();
            }
            List<String> lines = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            if (process.exitValue() != 0 || lines.size() < 3) {
                return Optional.empty();
            }
            return Optional.of(new Interpreter(Path.of(lines.get(0)).toRealPath(), Path.of(lines.get(1)).toRealPath(),
                    "Python " + lines.get(2)));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
