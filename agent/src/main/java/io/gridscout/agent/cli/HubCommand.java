package io.gridscout.agent.cli;

import io.gridscout.agent.evidence.RegisterReader;
import io.gridscout.agent.fleet.FleetConfig;
import io.gridscout.agent.fleet.Hub;
import io.gridscout.agent.fleet.HubServer;
import io.gridscout.mapping.controls.ControlCatalog;
import io.gridscout.mapping.register.RegisterEntry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code gridscout hub --kafka-bootstrap HOST:PORT --listen 127.0.0.1:PORT --token-file F}: the fleet inventory over HTTP. */
@Command(name = "hub", mixinStandardHelpOptions = true,
        description = "Build the fleet inventory from the Kafka topics the agents publish to and serve it over HTTP (see docs/fleet.md).")
public final class HubCommand implements Callable<Integer> {
    @Option(names = "--kafka-bootstrap", paramLabel = "HOST:PORT[,...]", description = "Kafka bootstrap servers (or bootstrap.servers in --kafka-config)")
    String bootstrap;

    @Option(names = "--kafka-config", paramLabel = "FILE", description = "Kafka client properties (TLS, SASL) and gridscout.topic.* names")
    Path kafkaConfig;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8750", description = "HTTP address (default ${DEFAULT-VALUE})")
    String listen;

    @Option(names = "--token-file", required = true, paramLabel = "FILE", description = "bearer token clients must send")
    Path tokenFile;

    @Option(names = "--group", paramLabel = "ID", defaultValue = "gridscout-hub", description = "consumer group shared by the hub instances (default ${DEFAULT-VALUE})")
    String group;

    @Option(names = "--create-topics", paramLabel = "PARTITIONS", description = "create missing topics with this many partitions")
    Integer createTopics;

    @Option(names = "--replication-factor", paramLabel = "N", defaultValue = "3", description = "for --create-topics (default ${DEFAULT-VALUE})")
    short replication;

    @Option(names = "--event-retention-hours", paramLabel = "H", defaultValue = "720", description = "for --create-topics: events topic retention (default ${DEFAULT-VALUE})")
    long eventRetentionHours;

    @Option(names = "--register", paramLabel = "FILE", description = "asset register (CSV/XLSX) that /api/v1/report reconciles the fleet (and sites whose YAML names none) against")
    Path register;

    @Option(names = "--sites", paramLabel = "DIR", description = "directory of <site>.yaml site contexts (zones, writers, flows, register:) for /api/v1/report and the zone filter")
    Path sitesDir;

    @Option(names = "--standard", paramLabel = "STD", defaultValue = "27019:2024", description = "reporting edition for /api/v1/report: 27019:2024 (default) or 27019:2017")
    String standard;

    @Override
    public Integer call() throws InterruptedException {
        FleetConfig config;
        String token;
        InetSocketAddress address;
        List<RegisterEntry> declared;
        io.gridscout.agent.fleet.HubSites sites;
        String std;
        try {
            std = ControlCatalog.normaliseStandard(standard);
            declared = register == null ? null : RegisterReader.read(register);
            sites = io.gridscout.agent.fleet.HubSites.load(sitesDir, declared);
            config = FleetConfig.of(bootstrap, kafkaConfig);
            token = Files.readString(tokenFile, StandardCharsets.UTF_8).trim();
            int colon = listen.lastIndexOf(':');
            if (colon <= 0) throw new IllegalArgumentException("--listen wants HOST:PORT");
            address = new io.gridscout.agent.daemon.AgentConfig.HostPort(listen.substring(0, colon), Integer.parseInt(listen.substring(colon + 1)))
                    .socketAddress();   // an address literal is not resolved
        } catch (NoSuchFileException e) {
            return fail(e.getFile() + ": no such file");
        } catch (IOException | IllegalArgumentException e) {
            return fail(e.getMessage());
        }
        if (createTopics != null) Hub.createTopics(config, createTopics, replication, eventRetentionHours * 3_600_000L);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Hub hub = new Hub(config, group);
        hub.bindMetrics(registry);
        HubServer server;
        try {
            server = new HubServer(address, hub, token, registry, sites, std);
        } catch (IOException | IllegalArgumentException e) {
            hub.close();
            return fail("cannot listen on " + listen + ": " + e.getMessage());
        }
        hub.start();
        System.err.println("gridscout hub: listening on " + address.getHostString() + ":" + server.port() + ", group " + group);
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            try {
                hub.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stop.countDown();
        }));
        stop.await();
        return 0;
    }

    private static int fail(String message) {
        System.err.println("gridscout: error: " + message);
        return 2;
    }
}
