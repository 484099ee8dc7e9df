package dev.casebook.tools.code;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.casebook.tools.ToolContext;
import dev.casebook.tools.ToolInvocation;
import dev.casebook.tools.ToolResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A workspace that several sandboxed runs share, and the code tool bound to one; real processes. */
class WorkspaceIT {
    @TempDir
    Path workRoot;

    private ToolResult run(CodeExecutionTool tool, String language, String code) {
        String json = "{\"language\":\"" + language + "\",\"code\":\"" + code.replace("\\", "\\\\")
                .replace("\"", "\\\"").replace("\n", "\\n") + "\"}";
        return tool.execute(new ToolInvocation(json, new ToolContext("acme", "t1", List.of(), Duration.ofMinutes(1))));
    }

    private static List<String> files(Path root) throws Exception {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void calls_of_a_bound_code_tool_share_its_workspace_and_leave_no_program_there() throws Exception {
        ProcessSandbox sandbox = new ProcessSandbox(SandboxSettings.defaults().withWorkRoot(workRoot));
        try (Workspace workspace = Workspace.create(workRoot, Map.of("data/in.txt", "3\n4\n"))) {
            CodeExecutionTool tool = new CodeExecutionTool(sandbox).inWorkspace(workspace.path());

            ToolResult write = run(tool, "python", """
                    nums = [int(x) for x in open("data/in.txt")]
                    open("data/in.txt", "a").write("5\\n")
                    open("out.txt", "w").write(str(sum(nums)))""");
            ToolResult read = run(tool, "python", "print(open('out.txt').read(), open('data/in.txt').read().split())");
            ToolResult java = run(tool, "java", "System.out.println(java.nio.file.Files.readString(java.nio.file.Path.of(\"out.txt\")));");

            assertThat(write).as(write.text()).isInstanceOf(ToolResult.Ok.class);
            assertThat(read.text()).contains("stdout:\n7 ['3', '4', '5']");
            assertThat(java.text()).contains("stdout:\n7");
            assertThat(files(workspace.path())).containsExactly("data/in.txt", "out.txt");
            assertThat(tool.specification().description())
                    .contains("The working directory is the task's workspace: it holds the task's files, and files "
                            + "written there are kept for later calls.");
        }
        try (Stream<Path> left = Files.list(workRoot)) {
            assertThat(left).as("the workspace and the runs' directories are deleted").isEmpty();
        }
    }

    @Test
    void closing_deletes_what_the_sandbox_user_left_even_when_it_locked_it() throws Exception {
        ProcessSandbox sandbox = new ProcessSandbox(SandboxSettings.defaults().withWorkRoot(workRoot));
        Workspace workspace = Workspace.create(workRoot, Map.of());
        CodeExecutionTool tool = new CodeExecutionTool(sandbox).inWorkspace(workspace.path());
        run(tool, "python", "import os\nos.makedirs('locked/deeper')\nopen('locked/deeper/x', 'w').write('x')\n"
                + "os.chmod('locked/deeper', 0o500)\nos.chmod('locked', 0o500)");
        assertThat(files(workspace.path())).containsExactly("locked/deeper/x");

        workspace.close();

        assertThat(workspace.path()).doesNotExist();
    }

    @Test
    void files_of_a_workspace_stay_inside_it() {
        assertThatThrownBy(() -> Workspace.create(workRoot, Map.of("../escaped.txt", "x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'../escaped.txt' is not a path inside the workspace");
        assertThat(workRoot.resolve("escaped.txt")).doesNotExist();
        try (Stream<Path> left = Files.list(workRoot)) {
            assertThat(left).as("the refused workspace is deleted").isEmpty();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
