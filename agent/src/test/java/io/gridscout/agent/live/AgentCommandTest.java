package io.gridscout.agent.live;

import io.gridscout.agent.TestFiles;
import io.gridscout.agent.daemon.AgentConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped configuration, config errors and the one-line refusals when capture is impossible. */
class AgentCommandTest {
    @TempDir
    Path tmp;

    static Path sampleConfig() {
        return TestFiles.root().resolve("deploy/src/main/dist/config/agent.yaml");
    }

    @Test
    void shippedSampleConfigParses() throws Exception {
        AgentConfig c = AgentConfig.load(sampleConfig());
        assertThat(c.problem()).isNull();
        assertThat(c.interfaces).containsExactly("eth1");
        assertThat(c.bufferMegabytes).isGreaterThanOrEqualTo(64);
        assertThat(c.listen).isEqualTo("127.0.0.1:8484");
        assertThat(c.store).isEqualTo("/var/lib/gridscout/gridscout.db");
        assertThat(c.checkpointSeconds).isEqualTo(10);
    }

    static Processes.Running java(List<String> prefix, List<String> jvmArgs, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-cp", Processes.Agent.classpath(), "io.gridscout.agent.cli.Main"));
        cmd.addAll(List.of(args));
        return new Processes.Running(cmd);
    }

    @Test
    void misspeltConfigKeyIsAnError() throws Exception {
        Path cfg = tmp.resolve("agent.yaml");
        Files.writeString(cfg, "interfaces: [lo]\ncheckpoint-secs: 5\n");
        try (Processes.Running r = java(List.of(), List.of(), "agent", "--config", cfg.toString(), "--store", tmp.resolve("db").toString())) {
            assertThat(r.waitFor(60)).isEqualTo(2);
            assertThat(r.output()).startsWith("gridscout: error: cannot read config").contains("checkpoint-secs");
        }
    }

    @Test
    void refusesWithoutCapNetRaw() throws Exception {
        // setpriv drops CAP_NET_RAW from the bounding set, so even root runs without it
        try (Processes.Running r = java(List.of("setpriv", "--bounding-set", "-net_raw"), List.of(), "agent", "-i", "lo",
                "--store", tmp.resolve("db").toString())) {
            assertThat(r.waitFor(60)).isEqualTo(2);
            assertThat(r.output().lines().filter(l -> l.startsWith("gridscout"))).containsExactly(
                    "gridscout: error: live capture needs CAP_NET_RAW: run as the gridscout service (AmbientCapabilities=CAP_NET_RAW)"
                            + " or grant it, e.g. setcap cap_net_raw+ep on the java binary");
        }
        try (Processes.Running r = java(List.of("setpriv", "--bounding-set", "-net_raw"), List.of(), "watch", "-i", "lo")) {
            assertThat(r.waitFor(60)).isEqualTo(2);
            assertThat(r.output()).contains("gridscout: error: live capture needs CAP_NET_RAW");
        }
    }

    @Test
    void refusesWithoutLibpcap() throws Exception {
        try (Processes.Running r = java(List.of(), List.of("-Dgridscout.libpcap=/nonexistent/libpcap.so.0.8"), "watch", "-i", "lo")) {
            assertThat(r.waitFor(60)).isEqualTo(2);
            assertThat(r.output().lines().filter(l -> l.startsWith("gridscout"))).singleElement()
                    .asString().startsWith("gridscout: error: libpcap not found (install libpcap0.8 or libpcap)");
        }
    }

    @Test
    void unknownInterfaceIsOneLine() throws Exception {
        try (Processes.Running r = java(List.of(), List.of(), "watch", "-i", "nosuchif0")) {
            assertThat(r.waitFor(60)).isEqualTo(2);
            assertThat(r.output()).contains("gridscout: error: no such interface: nosuchif0");
        }
    }
}
