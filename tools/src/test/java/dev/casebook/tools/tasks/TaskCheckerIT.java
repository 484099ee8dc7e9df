package dev.casebook.tools.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.tools.code.ProcessSandbox;
import dev.casebook.tools.code.SandboxSettings;
import dev.casebook.tools.code.Workspace;
import dev.casebook.tools.code.WorkspacePython;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generated tasks checked in the real sandbox with real Python processes. */
class TaskCheckerIT {
    static final String SUM_VALIDATOR = """
            with open("sum.txt") as f:
                value = f.read().strip()
            assert value == "12", "sum.txt holds %r, expected 12" % value
            print("sum.txt is right")
            """;
    static final String SUM_REFERENCE = """
            total = sum(int(line) for line in open("numbers.txt") if line.strip())
            open("sum.txt", "w").write(str(total))
            print(total)
            """;

    @TempDir
    Path workRoot;

    TaskChecker checker;
    /** Validators get 3 s: for the one that never ends. */
    TaskChecker impatient;

    @BeforeEach
    void checker() {
        ProcessSandbox sandbox = new ProcessSandbox(SandboxSettings.defaults().withWorkRoot(workRoot));
        // generous limits: a loaded machine may take seconds to start a sandboxed Python
        checker = new TaskChecker(WorkspacePython.of(sandbox).orElseThrow(), Duration.ofSeconds(60),
                Duration.ofSeconds(60));
        impatient = new TaskChecker(WorkspacePython.of(sandbox).orElseThrow(), Duration.ofSeconds(3),
                Duration.ofSeconds(60));
    }

    static SandboxTask task(String validator, String reference) {
        return new SandboxTask("Write the sum of the numbers in numbers.txt to sum.txt.",
                Map.of("numbers.txt", "3\n4\n5\n"), validator, reference, 2);
    }

    @Test
    void keeps_a_task_whose_validator_passes_the_reference_and_fails_a_noop() throws Exception {
        Verification verification = checker.verify(task(SUM_VALIDATOR, SUM_REFERENCE));

        assertThat(verification).isInstanceOfSatisfying(Verification.Kept.class, kept -> {
            assertThat(kept.referenceAnswer()).isEqualTo("12");
            assertThat(kept.reference().output()).isEqualTo("sum.txt is right");
            assertThat(kept.noop().output()).contains("FileNotFoundError").contains("sum.txt");
        });
        try (var left = Files.list(workRoot)) {
            assertThat(left).as("workspaces and programs are deleted").isEmpty();
        }
    }

    @Test
    void keeps_a_task_whose_validator_rejects_the_near_miss_solution() {
        String offByOne = "open('sum.txt', 'w').write('13')\nprint(13)";

        assertThat(checker.verify(task(SUM_VALIDATOR, SUM_REFERENCE), offByOne))
                .isInstanceOf(Verification.Kept.class);
    }

    @Test
    void discards_a_task_whose_validator_passes_the_near_miss_solution() {
        String lenient = "import os\nassert os.path.exists('sum.txt')\nprint('there is a sum')";
        String offByOne = "open('sum.txt', 'w').write('13')\nprint(13)";

        assertThat(checker.verify(task(lenient, SUM_REFERENCE), offByOne)).isEqualTo(new Verification.Discarded(
                "near_miss_passed", "the validator passed the near-miss solution's result (a plausible wrong"
                        + " solution it must reject):\nthere is a sum"));
    }

    @Test
    void discards_a_task_whose_validator_passes_a_noop() {
        Verification verification = checker.verify(task("print('looks fine to me')", SUM_REFERENCE));

        assertThat(verification).isEqualTo(new Verification.Discarded("noop_passed",
                "the validator passed a workspace where nothing was done:\nlooks fine to me"));
    }

    @Test
    void discards_a_task_whose_reference_solution_fails() {
        Verification exits = checker.verify(task(SUM_VALIDATOR, "import sys\nprint('cannot do it')\nsys.exit(3)"));
        Verification crashes = checker.verify(task(SUM_VALIDATOR, "open('missing.txt').read()"));

        assertThat(exits).isEqualTo(new Verification.Discarded("reference_failed",
                "the reference solution exited with status 1:\ncannot do it"));
        assertThat(crashes).isInstanceOfSatisfying(Verification.Discarded.class, d -> {
            assertThat(d.reason()).isEqualTo("reference_failed");
            assertThat(d.detail()).startsWith("the reference solution crashed:").contains("FileNotFoundError");
        });
    }

    @Test
    void discards_a_task_whose_validator_rejects_the_reference_solution() {
        Verification verification = checker.verify(task(SUM_VALIDATOR.replace("12", "13"), SUM_REFERENCE));

        assertThat(verification).isInstanceOfSatisfying(Verification.Discarded.class, d -> {
            assertThat(d.reason()).isEqualTo("reference_rejected");
            assertThat(d.detail()).startsWith("the validator failed the reference solution's result:")
                    .endsWith(":\nline 3: assert value == \"13\", \"sum.txt holds %r, expected 13\" % value\n"
                            + "AssertionError: sum.txt holds '12', expected 13");
        });
    }

    @Test
    void discards_a_validator_that_crashes() {
        Verification verification = checker.verify(task("print(undefined_name)", SUM_REFERENCE));

        assertThat(verification).isInstanceOfSatisfying(Verification.Discarded.class, d -> {
            assertThat(d.reason()).isEqualTo("validator_crashed");
            assertThat(d.detail()).startsWith("the validator crashed on the reference solution's result:")
                    .contains("NameError");
        });
    }

    @Test
    void discards_a_validator_that_runs_out_of_time() {
        Verification verification = impatient.verify(task("while True:\n    pass", SUM_REFERENCE));

        assertThat(verification).isEqualTo(new Verification.Discarded("validator_timed_out",
                "the validator ran out of time on the reference solution's result:\nkilled after 3 s of wall time"));
    }

    @Test
    void discards_a_validator_that_tries_the_network() {
        String validator = """
                import urllib.request
                try:
                    urllib.request.urlopen("http://example.com/expected", timeout=2)
                except Exception as e:
                    print("no luck:", e)
                """;
        Verification verification = checker.verify(task(validator, SUM_REFERENCE));

        assertThat(verification).isInstanceOfSatisfying(Verification.Discarded.class, d -> {
            assertThat(d.reason()).isEqualTo("validator_network");
            assertThat(d.detail()).startsWith("the validator tried the network on the reference solution's result:")
                    .contains("casebook: network access attempted (socket.create_connection)");
        });
    }

    @Test
    void the_validator_reads_the_final_answer_from_its_first_argument() {
        SandboxTask task = new SandboxTask("How many lines does notes.txt have? Answer with the number.",
                Map.of("notes.txt", "a\nb\nc\n"), """
                import sys
                answer = open(sys.argv[1]).read().strip()
                if answer != "3":
                    sys.exit("expected 3, the answer was %r" % answer)
                """, "print(len(open('notes.txt').read().splitlines()))", 1);

        assertThat(checker.verify(task)).isInstanceOf(Verification.Kept.class);
        try (Workspace workspace = checker.workspace(task)) {
            assertThat(checker.validate(task, workspace.path(), "3")).isEqualTo(new Verdict.Passed(""));
            assertThat(checker.validate(task, workspace.path(), "4"))
                    .isEqualTo(new Verdict.Failed("expected 3, the answer was '4'"));
        }
    }

    @Test
    void the_programs_are_not_in_the_workspace_they_check() {
        SandboxTask task = new SandboxTask("Leave the files alone.", Map.of("a.txt", "x", "data/b.txt", "y"), """
                import os
                found = sorted(os.path.join(d, f)[2:] for d, _, files in os.walk(".") for f in files)
                assert found == ["a.txt", "data/b.txt"], found
                """, "print('nothing to do')", 1);

        try (Workspace workspace = checker.workspace(task)) {
            assertThat(checker.validate(task, workspace.path(), "")).isEqualTo(new Verdict.Passed(""));
        }
    }
}
