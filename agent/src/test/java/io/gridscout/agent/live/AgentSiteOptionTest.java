package io.gridscout.agent.live;

import io.gridscout.agent.daemon.AgentConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The agent's site and register settings: config keys, flags, and one-line errors before any capture starts. */
class AgentSiteOptionTest {
    @TempDir
    Path tmp;

    @Test
    void configKeys() throws Exception {
        Path cfg = tmp.resolve("agent.yaml");
        Files.writeString(cfg, "interfaces: [lo]\nsite: /etc/gridscout/site.yaml\nregister: /etc/gridscout/register.csv\n");
        AgentConfig c = AgentConfig.load(cfg);
        assertThat(c.site).isEqualTo("/etc/gridscout/site.yaml");
        assertThat(c.register).isEqualTo("/etc/gridscout/register.csv");
        assertThat(c.problem()).isNull();
    }

    @Test
    void missingOrBadSiteAndRegisterAreOneLineErrors() throws Exception {
        String db = tmp.resolve("db").toString();
        try (Processes.Running r = AgentCommandTest.java(List.of(), List.of(), "agent", "-i", "lo", "--store", db, "--site", tmp.resolve("nope.yaml").toString())) {
            assertThat(r.waitFor(60)).isEqualTo(2);
            assertThat(r.output()).startsWith("gridscout: error: ").contains("nope.yaml: no such file");
        }
        Path site = tmp.resolve("site.yaml");
        Files.writeString(site, "zones:\n  - {name: x, kind: moon, cidrs: [10.0.0.0/8]}\n");
        try (Processes.Running r = AgentCommandTest.java(List.of(), List.of(), "agent", "-i", "lo", "--store", db, "--site", site.toString())) {
            assertThat(r.waitFor(60)).isEqualTo(2);
            assertThat(r.output()).startsWith("gridscout: error: ").contains("unknown kind 'moon'");
        }
        // the site's register is read too; a flag overrides it
        Files.writeString(site, "register: missing-register.csv\n");
        try (Processes.Running r = AgentCommandTest.java(List.of(), List.of(), "agent", "-i", "lo", "--store", db, "--site", site.toString())) {
            assertThat(r.waitFor(60)).isEqualTo(2);
            assertThat(r.output()).contains("missing-register.csv: no such file");
        }
        try (Processes.Running r = AgentCommandTest.java(List.of(), List.of(), "agent", "-i", "lo", "--store", db, "--site", site.toString(),
                "--register", tmp.resolve("other.csv").toString())) {
            assertThat(r.waitFor(60)).isEqualTo(2);
            assertThat(r.output()).contains("other.csv: no such file").doesNotContain("missing-register");
        }
    }
}
