package io.gridscout.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The installed launcher (deploy/src/main/dist/bin/gridscout, which the clone's ./gridscout also runs) on the
 * built jar: analyze gets the throughput collector unless the operator names one, other commands keep the JVM's
 * choice. Runs here because the bench module is built after the agent's jar.
 */
class LauncherTest {
    static final Path LAUNCHER = Path.of("..", "deploy", "src", "main", "dist", "bin", "gridscout").toAbsolutePath().normalize();
    static final Path JAR = Path.of("..", "agent", "target", "gridscout.jar").toAbsolutePath().normalize();
    static final Path CAPTURE = Path.of("..", "testdata", "pcaps", "modbus-peer-mei-schneider-m340-pymodbus.pcap").toAbsolutePath().normalize();

    record Run(int rc, String out) {}

    static Run run(String javaOpts, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(LAUNCHER.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("GRIDSCOUT_JAR", JAR.toString());
        pb.environment().put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        pb.environment().remove("JAVA_HOME");
        pb.environment().put("GRIDSCOUT_JAVA_OPTS", "-XX:+PrintCommandLineFlags " + javaOpts);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(p.waitFor(), out);
    }

    @Test
    void analyzeRunsWithTheThroughputCollector(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("inv.json");
        Run r = run("", "analyze", "--quiet", "--json", json.toString(), CAPTURE.toString());
        assertThat(r.rc()).as(r.out()).isZero();
        assertThat(r.out()).contains("-XX:+UseParallelGC");
        assertThat(new ObjectMapper().readTree(json.toFile()).path("assets")).hasSize(2);
    }

    @Test
    void aCollectorTheOperatorNamesWins(@TempDir Path dir) throws Exception {
        Run r = run("-XX:+UseSerialGC", "analyze", "--quiet", "--json", dir.resolve("inv.json").toString(), CAPTURE.toString());
        assertThat(r.rc()).as(r.out()).isZero();
        assertThat(r.out()).contains("-XX:+UseSerialGC").doesNotContain("UseParallelGC");
    }

    @Test
    void otherCommandsKeepTheJvmsChoice() throws Exception {
        Run r = run("", "controls");
        assertThat(r.rc()).as(r.out()).isZero();
        assertThat(r.out()).doesNotContain("UseParallelGC").contains("27019:2024 catalog");
    }
}
