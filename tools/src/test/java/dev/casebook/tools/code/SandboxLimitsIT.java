package dev.casebook.tools.code;

import static dev.casebook.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.tools.ToolContext;
import dev.casebook.tools.ToolInvocation;
import dev.casebook.tools.ToolResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a run shares with the host and with other runs, on this machine with real processes: System V IPC and the
 * host name (own namespaces), memory and processes (a cgroup per run), disk (a workspace of limited size). This
 * machine has writable cgroups: the tests that need them assert that the sandbox uses them, so that they fail rather
 * than pass without the feature on a host where it is missing.
 */
class SandboxLimitsIT {
    private static final String PYTHON = "/usr/bin/python3";

    @TempDir
    Path workRoot;

    private ProcessSandbox sandbox(SandboxSettings settings) {
        return new ProcessSandbox(settings.withWorkRoot(workRoot));
    }

    private static ProcessSandbox.Request python(ProcessSandbox sandbox, String code, List<Path> readOnly,
                                                 String... args) {
        List<String> command = new ArrayList<>(List.of(PYTHON, "-I", "-B", "main.py"));
        command.addAll(List.of(args));
        long memory = sandbox.settings().memoryBytes();
        return new ProcessSandbox.Request(Map.of("main.py", code), List.of(), command, readOnly, memory, memory,
                Duration.ofMinutes(2));
    }

    private static ToolResult run(CodeExecutionTool tool, String code) {
        return run(tool, code, Duration.ofMinutes(2));
    }

    private static ToolResult run(CodeExecutionTool tool, String code, Duration timeout) {
        String json = "{\"language\":\"python\",\"code\":\"" + code.replace("\\", "\\\\").replace("\"", "\\\"")
                .replace("\n", "\\n") + "\"}";
        return tool.execute(new ToolInvocation(json, new ToolContext("acme", "t1", List.of(), timeout)));
    }

    private static void assertIsolatedByNamespaces(ProcessSandbox sandbox) {
        assertThat(sandbox.isolation()).as("this machine runs the sandbox in namespaces").isNotEqualTo(
                Isolation.LIMITS_ONLY);
    }

    private static void assertLimitedByCgroups(ProcessSandbox sandbox) {
        assertThat(sandbox.runLimits()).as("this machine lets the server make cgroups with the memory and pids "
                + "controllers (docs/tools.md, \"Code execution sandbox\")").isNotEqualTo(RunLimits.PER_PROCESS);
    }

    @Test
    void a_shared_memory_segment_made_in_a_run_is_neither_visible_outside_nor_left_behind() throws Exception {
        ProcessSandbox sandbox = sandbox(SandboxSettings.defaults());
        assertIsolatedByNamespaces(sandbox);
        int hostKey = ThreadLocalRandom.current().nextInt(1 << 20, Integer.MAX_VALUE);
        int runKey = hostKey - 1;
        int hostSegment = Integer.parseInt(onHost(SHM + "print(shmget(%d, 4096, 0o1600))".formatted(hostKey)));
        try {
            assertThat(hostSegment).as("a segment of the host").isNotNegative();
            SandboxRun run = sandbox.run(python(sandbox, SHM + """
                    print('segments', [l.split()[0] for l in open('/proc/sysvipc/shm').read().splitlines()[1:]])
                    print('host segment', shmget(%d, 0, 0), ctypes.get_errno())
                    print('made', shmget(%d, 16 << 20, 0o1666) >= 0)""".formatted(hostKey, runKey), List.of()));

            assertThat(run.stdout()).as(run.stderr())
                    .contains("segments []\n")
                    .contains("host segment -1 2\n")
                    .contains("made True\n");
            assertThat(hostSegmentKeys()).as("segments on the host after the run")
                    .contains(hostKey).doesNotContain(runKey);
        } finally {
            onHost(SHM + """
                    import ctypes
                    for key in (%d, %d):
                        found = shmget(key, 0, 0)
                        if found >= 0:
                            libc.shmctl(found, 0, None)
                    print('removed')""".formatted(hostKey, runKey));
        }
    }

    private static final String SHM = """
            import ctypes
            libc = ctypes.CDLL(None, use_errno=True)
            libc.shmget.argtypes = [ctypes.c_int, ctypes.c_size_t, ctypes.c_int]
            def shmget(key, size, flags):
                return libc.shmget(key, size, flags)
            """;

    private static String onHost(String code) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(PYTHON, "-c", code).redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.exitValue()).as(out).isZero();
        return out;
    }

    private static List<Integer> hostSegmentKeys() throws IOException {
        return Files.readAllLines(Path.of("/proc/sysvipc/shm")).stream().skip(1)
                .map(line -> Integer.parseInt(line.strip().split("\\s+")[0])).toList();
    }

    @Test
    void a_run_has_a_host_name_of_its_own() throws IOException {
        ProcessSandbox sandbox = sandbox(SandboxSettings.defaults());
        assertIsolatedByNamespaces(sandbox);
        String host = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();

        SandboxRun run = sandbox.run(python(sandbox, "import socket\nprint(socket.gethostname())", List.of()));

        assertThat(run.stdout()).isEqualTo(Launch.HOSTNAME + "\n");
        assertThat(Files.readString(Path.of("/proc/sys/kernel/hostname")).strip()).isEqualTo(host);
    }

    @Test
    void the_processes_of_a_run_together_are_held_to_its_memory_limit() {
        CodeExecutionTool tool = new CodeExecutionTool(sandbox(SandboxSettings.defaults().withMemoryBytes(256L << 20)));
        assertLimitedByCgroups(sandbox(SandboxSettings.defaults()));

        // four children of 150 MiB each: each under the limit, together far over it
        ToolResult result = run(tool, """
                import os
                ready_r, ready_w = os.pipe()
                hold_r, hold_w = os.pipe()
                children = []
                for i in range(4):
                    pid = os.fork()
                    if pid == 0:
                        os.close(ready_r); os.close(hold_w)
                        block = b'x' * (150 << 20)
                        os.write(ready_w, b'.')
                        os.close(ready_w)
                        os.read(hold_r, 1)
                        os._exit(0)
                    children.append(pid)
                os.close(ready_w); os.close(hold_r)
                ready = 0
                while os.read(ready_r, 1):
                    ready += 1
                os.close(hold_w)
                killed = sum(1 for pid in children if os.waitpid(pid, 0)[1] == 9)
                print('ready', ready, 'of 4, killed', killed)""");

        Matcher ready = Pattern.compile("ready (\\d) of 4, killed (\\d)").matcher(result.text());
        assertThat(ready.find()).as(result.text()).isTrue();
        assertThat(Integer.parseInt(ready.group(1))).as(result.text()).isLessThan(4);
        assertThat(Integer.parseInt(ready.group(2))).as(result.text()).isPositive();
        assertThat(result.text()).contains("run limits: " + tool.runLimits().description())
                .containsPattern("memory: the run's memory limit of 256 MiB was reached: \\d process\\(es\\) killed"
                        + " by the kernel");
    }

    @Test
    void without_namespaces_a_run_still_gets_a_cgroup_of_its_own() throws IOException {
        ProcessSandbox probed = sandbox(SandboxSettings.defaults());
        assertLimitedByCgroups(probed);
        Files.setPosixFilePermissions(workRoot, PosixFilePermissions.fromString("rwx--x--x"));
        ProcessSandbox limitsOnly = new ProcessSandbox(SandboxSettings.defaults().withWorkRoot(workRoot)
                .withMemoryBytes(256L << 20), Isolation.LIMITS_ONLY,
                IsolationProbe.cgroups(SandboxSettings.defaults()).orElseThrow());

        SandboxRun run = limitsOnly.run(python(limitsOnly, """
                import os
                print(sorted(set(line.split(':')[2].rsplit('/', 1)[1].rsplit('-', 1)[0]
                                 for line in open('/proc/self/cgroup') if 'casebook-run-' in line)))
                children = []
                for i in range(4):
                    pid = os.fork()
                    if pid == 0:
                        block = b'x' * (150 << 20)
                        os._exit(0)
                    children.append(pid)
                print('killed', sum(1 for pid in children if os.waitpid(pid, 0)[1] == 9))""", List.of()));

        assertThat(run.stdout()).as(run.stderr())
                .startsWith("['casebook-run-" + ProcessHandle.current().pid() + "']\n");
        assertThat(run.hits().memoryKills()).as(run.stdout()).isPositive();
        assertThat(run.runLimits()).isEqualTo(probed.runLimits());
    }

    @Test
    void concurrent_runs_each_have_their_own_process_limit(@TempDir Path signals) throws Exception {
        ProcessSandbox sandbox = sandbox(SandboxSettings.defaults().withMaxProcesses(32));
        assertLimitedByCgroups(sandbox);
        int runs = 3;
        int children = 24; // with its parent 25 processes per run: within 32, while the three runs hold 75
        Files.setPosixFilePermissions(signals, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path go = signals.resolve("go");
        String marker = "casebook-concurrency-" + ThreadLocalRandom.current().nextInt(1_000_000);
        String code = """
                import os, sys, time
                hold_r, hold_w = os.pipe()
                for i in range(%d):
                    try:
                        if os.fork() == 0:
                            os.close(hold_w)
                            os.read(hold_r, 1)
                            os._exit(0)
                    except OSError as e:
                        print('refused after', i, 'children:', e.strerror)
                        sys.exit(1)
                deadline = time.monotonic() + 120
                while not os.path.exists(%s) and time.monotonic() < deadline:
                    time.sleep(0.05)
                print('held', i + 1)""".formatted(children, "'" + go + "'");
        List<Future<SandboxRun>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(runs)) {
            for (int i = 0; i < runs; i++) {
                results.add(pool.submit(() -> sandbox.run(python(sandbox, code, List.of(signals), marker))));
            }
            // every run holds all its processes at once (or one was refused and ended): then they may go
            eventually("every run holding its " + (children + 1) + " processes, or one run ending",
                    Duration.ofSeconds(120), () -> held(marker),
                    count -> count >= runs * (children + 1) || results.stream().anyMatch(Future::isDone));
            Files.writeString(go, "go");

            for (Future<SandboxRun> result : results) {
                SandboxRun run = result.get(3, TimeUnit.MINUTES);
                assertThat(run.stdout()).as(run.stderr()).isEqualTo("held " + children + "\n");
                assertThat(run.hits().refusedForks()).isZero();
            }
        }
    }

    /** The processes of the test's runs alive now (parents and their children carry the marker argument). */
    private static long held(String marker) {
        return ProcessHandle.current().descendants().filter(p -> p.info().arguments()
                .map(args -> List.of(args).contains(marker)).orElse(false)).count();
    }

    @Test
    void a_run_cannot_write_more_than_its_workspace_size() {
        CodeExecutionTool tool = new CodeExecutionTool(sandbox(SandboxSettings.defaults()
                .withWorkspaceBytes(16L << 20)));
        assertIsolatedByNamespaces(sandbox(SandboxSettings.defaults()));

        ToolResult result = run(tool, """
                import os
                st = os.statvfs('.')
                print('workspace size', st.f_blocks * st.f_frsize >> 20, 'MiB')
                written = 0
                try:
                    for i in range(64):
                        with open('part%d' % i, 'wb') as f:
                            f.write(b'x' * (1 << 20))
                        written += 1
                    print('wrote 64 MiB')
                except OSError as e:
                    print('stopped after', written, 'MiB:', e.strerror)""");

        assertThat(result.text()).contains("workspace 16 MiB")
                .contains("workspace size 16 MiB")
                .containsPattern("stopped after 1[0-6] MiB: No space left on device");
        try (var left = Files.list(workRoot)) {
            assertThat(left.toList()).as("the run's files never reached the host's disk, nor are left").isEmpty();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void a_kept_workspace_stays_within_its_size_across_runs_and_keeps_what_a_timed_out_run_wrote() throws Exception {
        ProcessSandbox sandbox = sandbox(SandboxSettings.defaults().withWorkspaceBytes(16L << 20));
        assertIsolatedByNamespaces(sandbox);
        try (Workspace workspace = Workspace.create(workRoot, Map.of("data/in.txt", "3\n4\n"))) {
            CodeExecutionTool tool = new CodeExecutionTool(sandbox).inWorkspace(workspace.path());

            ToolResult first = run(tool, "open('first.bin', 'wb').write(b'x' * (10 << 20))\nprint('first written')");
            ToolResult second = run(tool, """
                    import os
                    try:
                        open('second.bin', 'wb').write(b'x' * (10 << 20))
                    except OSError as e:
                        print('second refused:', e.strerror)
                        os.remove('second.bin')""");
            ToolResult timedOut = run(tool, "open('partial.txt', 'w').write('kept')\nwhile True:\n    pass",
                    Duration.ofSeconds(10));

            assertThat(first.text()).contains("stdout:\nfirst written");
            assertThat(second.text()).contains("stdout:\nsecond refused: No space left on device");
            assertThat(timedOut.text()).contains("result: timed out: killed after the wall-time limit of 10 s");
            assertThat(workspace.path().resolve("partial.txt")).hasContent("kept");
            assertThat(workspace.path().resolve("data/in.txt")).hasContent("3\n4\n");
            assertThat(workspace.path().resolve("first.bin")).hasSize(10L << 20);
            try (var files = Files.walk(workspace.path())) {
                long bytes = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
                assertThat(bytes).as("bytes in the workspace on the host").isLessThanOrEqualTo(16L << 20);
            }
        }
    }

    @Test
    void without_cgroups_the_result_says_that_limits_are_per_process_and_each_process_keeps_its_limits() {
        SandboxSettings settings = SandboxSettings.defaults().withWorkRoot(workRoot).withMaxProcesses(16);
        ProcessSandbox perProcess = new ProcessSandbox(settings, IsolationProbe.best());

        ToolResult result = run(new CodeExecutionTool(perProcess), "print('ran')");

        assertThat(perProcess.runLimits()).isEqualTo(RunLimits.PER_PROCESS);
        assertThat(result.text()).contains("run limits: memory limited per process only, so the processes of a run "
                + "together may use more; the process limit is shared by all runs of the sandbox user (no writable "
                + "cgroup with the memory and pids controllers on this system)").contains("stdout:\nran");
        assertThat(ProcessSandbox.limits(settings, 1L << 30, true)).contains("--as=1073741824", "--nproc=16");
        assertThat(ProcessSandbox.limits(settings, 1L << 30, false)).as("with a cgroup: pids.max, per run")
                .contains("--as=1073741824").noneMatch(limit -> limit.startsWith("--nproc"));
    }
}
