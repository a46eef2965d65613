package io.gridscout.agent.cli;

import io.gridscout.agent.api.AgentMetrics;
import io.gridscout.agent.api.ApiRoutes;
import io.gridscout.agent.api.ApiServer;
import io.gridscout.agent.api.ApiToken;
import io.gridscout.agent.capture.CaptureOptions;
import io.gridscout.agent.console.ConsoleModel;
import io.gridscout.agent.console.ConsoleRoutes;
import io.gridscout.agent.capture.CaptureUnavailableException;
import io.gridscout.agent.capture.FrameQueue;
import io.gridscout.agent.capture.LiveCapture;
import io.gridscout.agent.daemon.AgentConfig;
import io.gridscout.agent.daemon.AgentEngine;
import io.gridscout.agent.events.EventSink;
import io.gridscout.agent.events.JsonLinesFile;
import io.gridscout.agent.events.Syslog;
import io.gridscout.agent.evidence.RegisterReader;
import io.gridscout.agent.evidence.SiteYaml;
import io.gridscout.mapping.register.RegisterEntry;
import io.gridscout.mapping.site.SiteContext;
import io.gridscout.mapping.events.ChangeEvent;
import io.gridscout.agent.store.InventoryStore;
import io.gridscout.protocols.flow.FlowTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** {@code gridscout agent --config agent.yaml [--interface IFACE]... [--store FILE] [--listen HOST:PORT] [--token-file FILE] [--site FILE] [--register FILE]} */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "Run the passive agent: capture on interfaces, keep the inventory in a store, serve the HTTP API. Stops cleanly on SIGTERM.")
public final class AgentCommand implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration (see config/agent.yaml)")
    Path config;

    @Option(names = {"-i", "--interface"}, paramLabel = "IFACE", description = "capture interface (repeatable; replaces the configured list)")
    List<String> interfaces;

    @Option(names = "--store", paramLabel = "FILE", description = "SQLite store file")
    String store;

    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "API address (default 127.0.0.1:8484; port 0 picks a free one)")
    String listen;

    @Option(names = "--token-file", paramLabel = "FILE", description = "API bearer token file (created with mode 0600 when missing)")
    String tokenFile;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "serve the API over HTTPS with this PEM certificate chain")
    String tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "PKCS#8 PEM private key of --tls-cert")
    String tlsKey;

    @Option(names = "--bpf", paramLabel = "EXPR", description = "BPF capture filter")
    String bpf;

    @Option(names = "--site", paramLabel = "FILE", description = "site context YAML (zones, allowed writers, jump hosts, flows, register) for findings and zones")
    String site;

    @Option(names = "--register", paramLabel = "FILE", description = "declared asset register (CSV or JSON) to reconcile in the findings")
    String register;

    @Option(names = "--checkpoint-seconds", paramLabel = "N", description = "checkpoint interval")
    Integer checkpointSeconds;

    @Option(names = "--kafka-bootstrap", paramLabel = "HOST:PORT[,...]", description = "publish assets, events and findings to Kafka after each checkpoint (see docs/fleet.md)")
    String kafkaBootstrap;

    @Option(names = "--site-name", paramLabel = "NAME", description = "the substation this agent inventories, for Kafka keys (default: kafka.site-name, else the name in --site YAML)")
    String siteName;

    @Override
    public Integer call() {
        AgentConfig c;
        try {
            c = config != null ? AgentConfig.load(config) : new AgentConfig();
        } catch (IOException e) {
            return fail("cannot read config " + config + ": " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (interfaces != null) c.interfaces = interfaces;
        if (store != null) c.store = store;
        if (listen != null) c.listen = listen;
        if (tokenFile != null) c.tokenFile = tokenFile;
        if (bpf != null) c.bpf = bpf;
        if (tlsCert != null) c.tlsCert = tlsCert;
        if (tlsKey != null) c.tlsKey = tlsKey;
        if (checkpointSeconds != null) c.checkpointSeconds = checkpointSeconds;
        if (site != null) c.site = site;
        if (register != null) c.register = register;
        if (kafkaBootstrap != null) {
            if (c.kafka == null) c.kafka = new AgentConfig.Kafka();
            c.kafka.bootstrapServers = kafkaBootstrap;
        }
        if (siteName != null && c.kafka != null) c.kafka.siteName = siteName;
        String problem = c.problem();
        if (problem != null) return fail(problem);
        SiteContext siteContext;
        List<RegisterEntry> declared;
        try {
            siteContext = c.site == null ? SiteContext.empty() : SiteYaml.read(Path.of(c.site));
            String reg = c.register != null ? c.register : siteContext.register();
            declared = reg == null ? null : RegisterReader.read(Path.of(reg));
        } catch (java.nio.file.NoSuchFileException e) {
            return fail(e.getFile() + ": no such file");
        } catch (IOException | IllegalArgumentException e) {
            return fail(e.getMessage());
        }
        if (c.interfaces.isEmpty()) return fail("no capture interface configured (--interface IFACE or 'interfaces:' in the config)");
        try {
            LiveCapture.requireCapturePrivileges();
        } catch (CaptureUnavailableException e) {
            return fail(e.getMessage());
        }
        Path storePath = Path.of(c.store);
        Path tokenPath = c.tokenFile != null ? Path.of(c.tokenFile) : storePath.toAbsolutePath().resolveSibling("api-token");
        AgentConfig.HostPort hp = AgentConfig.HostPort.parse(c.listen);
        FlowTable.Limits d = FlowTable.Limits.defaults();
        AgentEngine.Settings settings = new AgentEngine.Settings(1_000_000_000L, c.checkpointSeconds * 1_000_000_000L,
                c.silentAfterMinutes * 60_000_000_000L, c.eventRetentionDays * 86_400_000_000_000L,
                new FlowTable.Limits(c.maxFlows, d.idleTimeoutNanos(), d.tcpBufferBytes(), d.detectAttempts()));

        io.netty.handler.ssl.SslContext tls = null;
        if (c.tlsCert != null) {
            try {
                tls = ApiServer.tls(Path.of(c.tlsCert), Path.of(c.tlsKey));
            } catch (javax.net.ssl.SSLException e) {
                return fail(e.getMessage());
            }
        }
        InventoryStore db;
        AgentEngine engine;
        ApiToken token;
        try {
            token = ApiToken.loadOrCreate(tokenPath);
            db = InventoryStore.open(storePath);
            engine = new AgentEngine(settings, db, siteContext, declared);
        } catch (IOException | SQLException e) {
            return fail(e.getMessage());
        }
        io.gridscout.agent.fleet.LiveFleet fleet = null;
        if (c.kafka != null) {
            try {
                fleet = fleet(c.kafka, siteContext, storePath);
            } catch (IOException | RuntimeException e) {
                closeQuietly(db);
                return fail("kafka: " + e.getMessage());
            }
            // the outbox append is part of the store checkpoint's transaction (one SQLite file, both or neither)
            engine.onCheckpoint(fleet.listener());
            fleet.start();
        }
        io.gridscout.agent.fleet.LiveFleet liveFleet = fleet;
        List<EventSink> sinks = new ArrayList<>();
        try {
            if (c.eventsFile != null) sinks.add(new JsonLinesFile(Path.of(c.eventsFile)));
            if (c.syslog != null) sinks.add(new Syslog(c.syslog, c.syslogFacility));
        } catch (IOException e) {
            if (liveFleet != null) liveFleet.close(java.time.Duration.ZERO);
            closeQuietly(db);
            return fail("cannot open events file " + c.eventsFile + ": " + e.getMessage());
        }
        FrameQueue queue = new FrameQueue(c.queueFrames);
        List<LiveCapture> captures = new ArrayList<>();
        CaptureOptions opts = new CaptureOptions(c.bpf, c.snaplen, c.promiscuous, c.bufferMegabytes << 20);
        try {
            for (String iface : c.interfaces) captures.add(LiveCapture.start(iface, opts, queue));
        } catch (CaptureUnavailableException e) {
            captures.forEach(LiveCapture::close);
            if (liveFleet != null) liveFleet.close(java.time.Duration.ZERO);
            closeQuietly(db);
            return fail(e.getMessage());
        }
        AgentMetrics metrics = new AgentMetrics(engine, queue, captures);
        ApiServer api;
        try {
            long started = System.nanoTime(), staleAfter = 3L * c.checkpointSeconds * 1_000_000_000L;
            ApiRoutes routes = new ApiRoutes(engine, metrics, token, Version.get()).withHealth(() -> {
                List<String> p = new ArrayList<>();
                for (LiveCapture lc : captures) if (lc.failure() != null) p.add("capture on " + lc.iface() + " stopped: " + lc.failure());
                long last = engine.lastCheckpointWallNanos();
                boolean stale = last == 0 ? System.nanoTime() - started > staleAfter : AgentEngine.wallNanos() - last > staleAfter;
                if (stale) p.add("no checkpoint for more than " + 3 * c.checkpointSeconds + " s");
                return p;
            });
            // the console subscribes to the engine's events here, before the pipeline thread starts
            ConsoleModel consoleModel = ConsoleModel.live(engine, () -> {
                java.util.Map<String, Long> h = new java.util.LinkedHashMap<>();
                h.put("queue drops", queue.dropped());
                for (LiveCapture lc : captures) {
                    h.put("kernel drops " + lc.iface(), lc.stats().kernelDrops());
                    h.put("interface drops " + lc.iface(), lc.stats().interfaceDrops());
                }
                return h;
            }, Version.get());
            api = new ApiServer(hp.host(), hp.port(), routes, tls, new ConsoleRoutes(consoleModel, token, tls != null));
        } catch (Exception e) {
            captures.forEach(LiveCapture::close);
            if (liveFleet != null) liveFleet.close(java.time.Duration.ZERO);
            closeQuietly(db);
            return fail("cannot listen on " + c.listen + ": " + e.getMessage());
        }
        Thread pipeline = new Thread(() -> engine.run(queue), "pipeline");
        pipeline.start();
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "checkpoint");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                forward(engine.checkpoint(), sinks);
            } catch (SQLException | RuntimeException e) {
                System.err.println("gridscout: warning: checkpoint failed: " + e.getMessage());
            }
        }, c.checkpointSeconds, c.checkpointSeconds, TimeUnit.SECONDS);

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // SIGTERM/SIGINT: stop capturing, drain the pipeline, write a final checkpoint
            captures.forEach(LiveCapture::close);
            pipeline.interrupt();
            try {
                pipeline.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                forward(engine.checkpoint(), sinks);
            } catch (SQLException | RuntimeException e) {
                System.err.println("gridscout: error: final checkpoint failed: " + e.getMessage());
            }
            sinks.forEach(EventSink::close);
            if (liveFleet != null) liveFleet.close(java.time.Duration.ofSeconds(5));   // what is left stays in the outbox
            api.close();
            closeQuietly(db);
            System.err.println("gridscout agent: stopped");
            stopped.countDown();
        }, "shutdown"));
        System.err.println("gridscout agent: capturing on " + String.join(",", c.interfaces) + "; API on " + (tls != null ? "https" : "http") + "://" + hp.host() + ":" + api.port()
                + " (console at /)" + "; store " + storePath.toAbsolutePath() + "; token file " + tokenPath.toAbsolutePath());
        for (;;) {
            try {
                stopped.await();
                return 0;
            } catch (InterruptedException e) {
                // only the shutdown hook ends the agent
            }
        }
    }

    /** The Kafka link: bootstrap + properties file, topic names from the YAML over the file's, outbox in the store file. */
    public static io.gridscout.agent.fleet.LiveFleet fleet(AgentConfig.Kafka k, SiteContext siteContext, Path storePath) throws IOException {
        String name = k.siteName != null ? k.siteName : siteContext.name();
        io.gridscout.agent.fleet.FleetRecords.checkSite(name);
        io.gridscout.agent.fleet.FleetConfig fc = io.gridscout.agent.fleet.FleetConfig.of(k.bootstrapServers, k.propertiesFile == null ? null : Path.of(k.propertiesFile))
                .withTopics(k.assetsTopic, k.eventsTopic, k.findingsTopic);
        String std = io.gridscout.mapping.controls.ControlCatalog.normaliseStandard(k.standard);
        return new io.gridscout.agent.fleet.LiveFleet(fc, storePath, name, std);
    }

    /** Stored events go on to the configured sinks; a failing sink is reported, never fatal. */
    private static void forward(List<ChangeEvent> events, List<EventSink> sinks) {
        for (EventSink s : sinks) {
            try {
                s.send(events);
            } catch (IOException | RuntimeException e) {
                System.err.println("gridscout: warning: " + events.size() + " events not forwarded (" + s.getClass().getSimpleName() + "): " + e.getMessage());
            }
        }
    }

    private static void closeQuietly(InventoryStore db) {
        try {
            db.close();
        } catch (SQLException e) {
            System.err.println("gridscout: warning: closing store: " + e.getMessage());
        }
    }

    static int fail(String message) {
        System.err.println("gridscout: error: " + message);
        return 2;
    }
}
