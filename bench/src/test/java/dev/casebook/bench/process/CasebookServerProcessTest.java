package dev.casebook.bench.process;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CasebookServerProcessTest {

    @Test
    void the_server_runs_with_the_vector_api_as_casebook_start_runs_it() {
        assertThat(CasebookServerProcess.jvmOptions(" -Xmx4g  -XX:StartFlightRecording=filename=a.jfr "))
                .containsExactly("--add-modules", "jdk.incubator.vector", "-Xmx4g",
                        "-XX:StartFlightRecording=filename=a.jfr");
    }

    @Test
    void options_that_name_the_vector_api_already_are_kept_as_given() {
        assertThat(CasebookServerProcess.jvmOptions("--add-modules=jdk.incubator.vector -Xmx2g"))
                .containsExactly("--add-modules=jdk.incubator.vector", "-Xmx2g");
    }
}
