package io.gridscout.agent.live;

import io.gridscout.agent.TestFiles;
import io.gridscout.agent.cli.AgentCommand;
import io.gridscout.agent.daemon.AgentConfig;
import io.gridscout.agent.fleet.LiveFleet;
import io.gridscout.mapping.site.SiteContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code kafka:} block of agent.yaml: the shipped (commented) sample parses, and the outbox lands in the store file. */
class AgentKafkaConfigTest {
    @TempDir
    Path tmp;

    /** The shipped sample with its kafka block uncommented (other commented lines stay comments). */
    Path sampleWithKafka() throws Exception {
        StringBuilder b = new StringBuilder();
        boolean in = false;
        for (String line : Files.readAllLines(TestFiles.root().resolve("deploy/src/main/dist/config/agent.yaml"))) {
            if (line.equals("# kafka:")) in = true;
            else if (in && !line.startsWith("#   ")) in = false;
            b.append(in ? line.substring(2) : line).append('\n');
        }
        Path p = tmp.resolve("agent.yaml");
        Files.writeString(p, b.toString());
        return p;
    }

    @Test
    void sampleKafkaBlockParsesAndOpensTheOutboxInTheStore() throws Exception {
        AgentConfig c = AgentConfig.load(sampleWithKafka());
        assertThat(c.problem()).isNull();
        assertThat(c.kafka.bootstrapServers).isEqualTo("kafka1.soc.example:9093,kafka2.soc.example:9093");
        assertThat(c.kafka.siteName).isEqualTo("north-substation");
        assertThat(c.kafka.assetsTopic).isEqualTo("gridscout.assets");
        assertThat(c.kafka.propertiesFile).isEqualTo("/etc/gridscout/kafka.properties");
        c.kafka.propertiesFile = null;   // not on this machine
        Path store = tmp.resolve("gridscout.db");
        try (LiveFleet f = AgentCommand.fleet(c.kafka, SiteContext.empty(), store)) {
            assertThat(f.site()).isEqualTo("north-substation");
            assertThat(f.pending()).isZero();
        }
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + store);
             ResultSet r = db.createStatement().executeQuery("SELECT count(*) FROM sqlite_master WHERE name = 'fleet_outbox'")) {
            r.next();
            assertThat(r.getInt(1)).isEqualTo(1);
        }
    }

    @Test
    void kafkaBlockNeedsBootstrapAndAValidSiteName() throws Exception {
        Path p = tmp.resolve("a.yaml");
        Files.writeString(p, "kafka:\n  site-name: north\n");
        assertThat(AgentConfig.load(p).problem()).contains("bootstrap-servers");
        Files.writeString(p, "kafka:\n  bootstrap-servers: 127.0.0.1:9092\n  site-name: a/b\n");
        AgentConfig c = AgentConfig.load(p);
        assertThat(c.problem()).isNull();
        assertThatThrownBy(() -> AgentCommand.fleet(c.kafka, SiteContext.empty(), tmp.resolve("x.db"))).hasMessageContaining("'/'");
        Files.writeString(p, "kafka:\n  bootstrap-servers: 127.0.0.1:9092\n  sitename: north\n");
        assertThatThrownBy(() -> AgentConfig.load(p)).hasMessageContaining("sitename");
    }
}
