package io.gridscout.agent.fleet;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Kafka settings shared by agents and hubs. A properties file ({@code --kafka-config}) holds topic names
 * ({@code gridscout.topic.assets}, {@code gridscout.topic.events}, {@code gridscout.topic.findings},
 * {@code gridscout.topic.communications}) and any Kafka
 * client property, e.g. {@code security.protocol=SASL_SSL}, {@code sasl.mechanism=SCRAM-SHA-512},
 * {@code sasl.jaas.config=...}, {@code ssl.truststore.location=...}; they are passed to the producer and consumer
 * as they are. {@code --kafka-bootstrap} overrides {@code bootstrap.servers}.
 */
public record FleetConfig(String assetsTopic, String eventsTopic, String findingsTopic, String communicationsTopic, Properties kafka) {
    public static final String PREFIX = "gridscout.";

    public static FleetConfig of(String bootstrap, Path file) throws IOException {
        Properties all = new Properties();
        if (file != null) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                all.load(r);
            }
        }
        Properties kafka = new Properties();
        for (String k : all.stringPropertyNames()) if (!k.startsWith(PREFIX)) kafka.setProperty(k, all.getProperty(k));
        if (bootstrap != null) kafka.setProperty("bootstrap.servers", bootstrap);
        if (kafka.getProperty("bootstrap.servers") == null) throw new IllegalArgumentException("no Kafka bootstrap servers: give --kafka-bootstrap HOST:PORT");
        return new FleetConfig(all.getProperty(PREFIX + "topic.assets", "gridscout.assets"),
                all.getProperty(PREFIX + "topic.events", "gridscout.events"),
                all.getProperty(PREFIX + "topic.findings", "gridscout.findings"),
                all.getProperty(PREFIX + "topic.communications", "gridscout.communications"), kafka);
    }

    /** The same settings with the topics that are not null renamed. */
    public FleetConfig withTopics(String assets, String events, String findings) {
        return new FleetConfig(assets != null ? assets : assetsTopic, events != null ? events : eventsTopic,
                findings != null ? findings : findingsTopic, communicationsTopic, kafka);
    }

    /** The same settings with the communications topic renamed when not null. */
    public FleetConfig withCommunicationsTopic(String communications) {
        return new FleetConfig(assetsTopic, eventsTopic, findingsTopic, communications != null ? communications : communicationsTopic, kafka);
    }

    /** A copy of the Kafka client properties, for one client to add its own. */
    public Properties client() {
        Properties p = new Properties();
        p.putAll(kafka);
        return p;
    }
}
