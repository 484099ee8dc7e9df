package dev.casebook.systemtest.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The build rule that keeps core modules free of Spring: a module with the {@code .no-spring} marker that depends
 * on Spring must fail to build, and the same module without that dependency must build.
 */
class SpringFreeCoreRuleIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    /** Inside the build tree, so the probe finds the parent POM by a relative path, as Maven requires. */
    private Path dir;

    @BeforeEach
    void createProbeDirectory() throws IOException {
        Path probes = Files.createDirectories(ROOT.resolve("src-test/target/spring-rule-probes"));
        dir = Files.createTempDirectory(probes, "probe-");
    }

    @Test
    void core_module_depending_on_spring_fails_the_build() throws Exception {
        writeModule("""
                <dependency>
                  <groupId>org.springframework</groupId>
                  <artifactId>spring-core</artifactId>
                </dependency>""");

        Result result = validate();

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output())
                .contains("must not depend on Spring or Spring Boot")
                .contains("org.springframework:spring-core");
    }

    @Test
    void core_module_without_spring_builds() throws Exception {
        writeModule("""
                <dependency>
                  <groupId>org.slf4j</groupId>
                  <artifactId>slf4j-api</artifactId>
                </dependency>""");

        Result result = validate();

        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    @Test
    void every_core_module_carries_the_marker() {
        for (String module : List.of("case-memory", "tools", "evaluators", "testkit")) {
            assertThat(ROOT.resolve(module).resolve(".no-spring")).as(module).exists();
        }
    }

    private void writeModule(String dependency) throws IOException {
        Files.writeString(dir.resolve(".no-spring"), "");
        Files.writeString(dir.resolve("pom.xml"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <parent>
                    <groupId>dev.casebook</groupId>
                    <artifactId>casebook-parent</artifactId>
                    <version>0.1.0-SNAPSHOT</version>
                    <relativePath>%s</relativePath>
                  </parent>
                  <artifactId>spring-rule-probe</artifactId>
                  <dependencies>
                %s
                  </dependencies>
                </project>
                """.formatted(dir.relativize(ROOT.resolve("pom.xml")), dependency));
    }

    private Result validate() throws Exception {
        Path log = dir.resolve("maven.log");
        Process process = new ProcessBuilder(ROOT.resolve("mvnw").toString(), "-B", "-f",
                dir.resolve("pom.xml").toString(), "validate")
                .directory(ROOT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("maven validate did not finish in 5 minutes");
        }
        return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    private record Result(int exitCode, String output) {
    }
}
