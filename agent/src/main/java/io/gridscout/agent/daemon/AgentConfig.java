package io.gridscout.agent.daemon;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The agent's configuration file (YAML, names as in the shipped sample {@code config/agent.yaml}). Unknown
 * keys are an error so a typo does not silently fall back to a default.
 */
public final class AgentConfig {
    public List<String> interfaces = new ArrayList<>();
    public String bpf;
    public int snaplen = 65_535;
    public boolean promiscuous = true;
    public int bufferMegabytes = 64;
    public int queueFrames = 65_536;
    public String store = "gridscout.db";
    public String listen = "127.0.0.1:8484";
    public String tokenFile;
    /** HTTPS for the API: PEM certificate chain and PKCS#8 PEM key (both or neither). */
    public String tlsCert;
    public String tlsKey;
    public int checkpointSeconds = 10;
    public int silentAfterMinutes = 60;
    public int eventRetentionDays = 90;
    public int maxFlows = 100_000;
    /** Events also appended here as JSON lines (null: not). */
    public String eventsFile;
    /** Events also sent as RFC 5424 syslog to udp://HOST:PORT or tcp://HOST:PORT (null: not). */
    public String syslog;
    public int syslogFacility = 16;
    /** Site context YAML (zones, writers, jump hosts, flows, register) for the evidence rules and zone views (null: none). */
    public String site;
    /** Declared asset register (CSV or JSON) to reconcile against; null: the site's register, if any. */
    public String register;
    /** Publishing to the fleet's Kafka topics (null: not). */
    public Kafka kafka;

    /** The {@code kafka:} block; see docs/fleet.md. */
    public static final class Kafka {
        /** HOST:PORT[,...]; required to publish. */
        public String bootstrapServers;
        /** Kafka client properties (TLS, SASL) and gridscout.topic.* names, as for {@code analyze --kafka-config}. */
        public String propertiesFile;
        /** The substation this agent inventories; default: the site context's name. */
        public String siteName;
        /** Topic names; override the properties file (defaults gridscout.assets, gridscout.events, gridscout.findings). */
        public String assetsTopic;
        public String eventsTopic;
        public String findingsTopic;
        /** Standard the findings' controls are given for (27019:2024 or 27019:2017). */
        public String standard;
    }

    public static AgentConfig load(Path file) throws IOException {
        ObjectMapper m = new ObjectMapper(new YAMLFactory())
                .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        AgentConfig c = m.readValue(file.toFile(), AgentConfig.class);
        return c == null ? new AgentConfig() : c;
    }

    /** Checks ranges; returns the first problem or null. */
    public String problem() {
        if (snaplen < 64 || snaplen > 262_144) return "snaplen must be 64..262144";
        if (bufferMegabytes < 1 || bufferMegabytes > 2048) return "buffer-megabytes must be 1..2048";
        if (queueFrames < 1024 || queueFrames > 4_000_000) return "queue-frames must be 1024..4000000";
        if (checkpointSeconds < 1 || checkpointSeconds > 3600) return "checkpoint-seconds must be 1..3600";
        if (silentAfterMinutes < 1) return "silent-after-minutes must be >= 1";
        if (eventRetentionDays < 0) return "event-retention-days must be >= 0 (0 keeps events forever)";
        if (maxFlows < 16) return "max-flows must be >= 16";
        if (store == null || store.isBlank()) return "store is required";
        if ((tlsCert == null) != (tlsKey == null)) return "tls-cert and tls-key go together";
        if (kafka != null && (kafka.bootstrapServers == null || kafka.bootstrapServers.isBlank())) return "kafka: bootstrap-servers is required (or --kafka-bootstrap)";
        if (syslog != null) {
            try {
                new io.gridscout.agent.events.Syslog(syslog, syslogFacility).close();
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
        }
        try {
            HostPort.parse(listen);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        return null;
    }

    /** HOST:PORT, with [v6]:PORT for IPv6. */
    public record HostPort(String host, int port) {
        public static HostPort parse(String s) {
            if (s == null) throw new IllegalArgumentException("listen must be HOST:PORT");
            int colon = s.lastIndexOf(':');
            if (colon <= 0) throw new IllegalArgumentException("listen must be HOST:PORT, got '" + s + "'");
            String host = s.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
            int port;
            try {
                port = Integer.parseInt(s.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("listen port must be a number, got '" + s + "'");
            }
            if (port < 0 || port > 65535) throw new IllegalArgumentException("listen port must be 0..65535");
            return new HostPort(host, port);
        }

        /**
         * The socket address: an address literal is used as is (nothing resolved; brackets around IPv6 allowed);
         * a name is an operator-configured destination and is resolved (once, here).
         */
        public java.net.InetSocketAddress socketAddress() {
            String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
            io.gridscout.protocols.fact.IpAddr a = io.gridscout.protocols.fact.IpAddr.parseOrNull(h);
            if (a == null) return new java.net.InetSocketAddress(host, port);
            try {
                return new java.net.InetSocketAddress(java.net.InetAddress.getByAddress(a.bytes()), port);
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e);    // only for an array of the wrong length
            }
        }
    }
}
