package io.gridscout.agent.live;

import io.gridscout.agent.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped jar (after the shade, hence an integration test) writing an evidence pack with report.pdf resolves no
 * name: the JDK's font manager, which report.pdf's topology picture starts, names its fontconfig cache file after
 * InetAddress.getLocalHost() unless it is given a font configuration file (TopologyImage gives it one).
 */
class NoLookupJarIT {
    @TempDir
    Path tmp;

    @Test
    void analyzeReportResolvesNothing() throws Exception {
        Path jar = TestFiles.root().resolve("agent/target/gridscout.jar");
        assertThat(jar).exists();
        Path trace = tmp.resolve("report.trace");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", jar.toString(), "analyze", "--report", tmp.resolve("pack").toString(),
                TestFiles.pcap("substation-gen-2x12.pcap").toString()));
        StringBuilder out = new StringBuilder();
        assertThat(NoLookupTest.run(NoLookupTest.traced(trace, cmd), 120, out)).as(out.toString()).isZero();
        assertThat(Files.size(tmp.resolve("pack/report.pdf"))).isPositive();
        assertThat(NoLookupTest.violations(trace, Set.of())).isEmpty();
    }
}
