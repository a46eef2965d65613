package io.gridscout.agent.cli;

import io.gridscout.agent.analyze.CaptureAnalyzer;
import io.gridscout.agent.evidence.EvidencePack;
import io.gridscout.agent.evidence.EvidenceReport;
import io.gridscout.agent.evidence.RegisterReader;
import io.gridscout.agent.evidence.SiteYaml;
import io.gridscout.mapping.controls.ControlCatalog;
import io.gridscout.mapping.register.RegisterEntry;
import io.gridscout.mapping.site.SiteContext;
import io.gridscout.agent.output.InventoryCsv;
import io.gridscout.agent.output.InventoryJson;
import io.gridscout.agent.output.InventoryTable;
import io.gridscout.mapping.inventory.Inventory;
import io.gridscout.mapping.inventory.InventoryBuilder;
import io.gridscout.protocols.capture.CaptureFormatException;
import io.gridscout.protocols.flow.FlowTable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code gridscout analyze [--json FILE] [--csv FILE] [--stats] [--site F] [--register F] [--report DIR] CAPTURE...} */
@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = "Build an asset inventory from capture files (pcap, pcapng, optionally .gz). Several captures merge into one inventory.")
public class AnalyzeCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", paramLabel = "CAPTURE", description = "capture files; '-' reads standard input (pipes and FIFOs are read once, e.g. tcpdump -w - | gridscout analyze -)")
    List<Path> captures = new java.util.ArrayList<>();

    @Option(names = "--json", paramLabel = "FILE", description = "write the inventory as JSON (schema gridscout.inventory/1); '-' for stdout")
    Path json;

    @Option(names = "--csv", paramLabel = "FILE", description = "write a flat asset register as CSV; '-' for stdout")
    Path csv;

    @Option(names = "--stats", description = "print packets, bytes, rate, malformed and evicted counts")
    boolean stats;

    @Option(names = "--quiet", description = "do not print the asset table")
    boolean quiet;

    @Option(names = "--debug", description = "print stack traces of errors")
    boolean debug;

    @Option(names = "--site", paramLabel = "FILE", description = "site context YAML: zones, allowed writers, jump hosts, flows, register")
    Path site;

    @Option(names = "--register", paramLabel = "FILE", description = "declared asset register (CSV incl. NetBox export, or JSON) to reconcile")
    Path register;

    @Option(names = "--report", paramLabel = "DIR", description = "write the evidence pack (report.html/.pdf, findings.json, assets.csv, reconciliation.csv)")
    Path report;

    @Option(names = "--standard", paramLabel = "STD", description = "reporting edition: 27019:2024 (default) or 27019:2017", defaultValue = "27019:2024")
    String standard;

    @Option(names = "--max-flows", paramLabel = "N", description = "flow table cap (default ${DEFAULT-VALUE})", defaultValue = "100000")
    int maxFlows;

    @Option(names = "--skip-protocol", paramLabel = "NAME", description = "do not decode this protocol (repeatable), e.g. to measure a decoder's cost")
    List<String> skipProtocols = new java.util.ArrayList<>();

    @Option(names = "--workers", paramLabel = "N", defaultValue = "1",
            description = "decode on N threads, flows sharded between them; same inventory as 1 (default ${DEFAULT-VALUE})")
    int workers;

    @Option(names = "--rules", paramLabel = "FILE", description = "extra device classification rules (same format as the built-in rules.txt; same id replaces)")
    Path rules;

    @Option(names = "--publish", description = "publish the inventory, findings and a snapshot event to Kafka (see docs/fleet.md)")
    boolean publish;

    @Option(names = "--kafka-bootstrap", paramLabel = "HOST:PORT[,...]", description = "Kafka bootstrap servers for --publish")
    String kafkaBootstrap;

    @Option(names = "--kafka-config", paramLabel = "FILE", description = "Kafka client properties (TLS, SASL) and gridscout.topic.* names")
    Path kafkaConfig;

    @Option(names = "--site-name", paramLabel = "NAME", description = "the substation this agent inventories (for --publish; default: name in --site YAML)")
    String siteName;

    @Option(names = "--outbox", paramLabel = "FILE", description = "SQLite file holding records until Kafka acknowledged them (default: in memory)")
    Path outboxFile;

    @Option(names = "--publish-timeout", paramLabel = "SECONDS", defaultValue = "120", description = "how long to wait for Kafka (default ${DEFAULT-VALUE})")
    int publishTimeout;

    @Option(names = "--serve", description = "after the analysis, serve the web console (and the read-only API) until Ctrl-C")
    boolean serve;

    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "console address for --serve (default 127.0.0.1:8484; port 0 picks a free one)")
    String listen;

    @Option(names = "--token-file", paramLabel = "FILE", description = "console/API token file for --serve (created with mode 0600 when missing; default: a new file in the temp directory)")
    Path tokenFile;

    /**
     * The IEEE MAC vendor registry (~46k entries, ~0.15 s to inflate and parse) is first needed when the inventory is
     * written, after the last packet; on a spare core it loads while the capture is read instead of adding to the
     * serial end of the run. On one CPU it would only take turns with the reader, so it loads when first needed.
     */
    static void preloadVendorRegistry() {
        if (Runtime.getRuntime().availableProcessors() < 2) return;
        Thread t = new Thread(() -> {
            try {
                io.gridscout.mapping.oui.OuiRegistry.get();
            } catch (RuntimeException | Error e) {
                // a broken bundled registry fails the run where the inventory needs it
            }
        }, "gridscout-oui-preload");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public Integer call() {
        PrintStream out = System.out;
        preloadVendorRegistry();
        if (captures == null || captures.isEmpty()) return fail("at least one CAPTURE is required", new IllegalArgumentException());
        String std;
        SiteContext siteContext;
        List<RegisterEntry> declared;
        try {
            std = ControlCatalog.normaliseStandard(standard);
            siteContext = site == null ? SiteContext.empty() : SiteYaml.read(site);
            Path reg = register != null ? register : siteContext.register() != null ? Path.of(siteContext.register()) : null;
            declared = reg == null ? null : RegisterReader.read(reg);
        } catch (IllegalArgumentException e) {
            return fail(e.getMessage(), e);
        } catch (NoSuchFileException e) {
            return fail(e.getFile() + ": no such file", e);
        } catch (IOException e) {
            return fail(e.getMessage(), e);
        }
        if (workers < 1 || workers > 64) return fail("--workers must be between 1 and 64", new IllegalArgumentException());
        if (requiresReport() && report == null) return fail("--report DIR is required", new IllegalArgumentException());
        io.gridscout.mapping.classify.Classifier classifier;
        try {
            classifier = rules == null ? io.gridscout.mapping.classify.Classifier.builtIn() : io.gridscout.mapping.classify.Classifier.load(rules);
        } catch (IOException | RuntimeException e) {
            return fail("rules " + rules + ": " + e.getMessage(), e);
        }
        InventoryBuilder builder = new InventoryBuilder(InventoryBuilder.Limits.defaults(), classifier);
        FlowTable.Limits d = FlowTable.Limits.defaults();
        CaptureAnalyzer analyzer = new CaptureAnalyzer(builder, new FlowTable.Limits(Math.max(16, maxFlows), d.idleTimeoutNanos(),
                d.tcpBufferBytes(), d.detectAttempts()), java.util.Set.copyOf(skipProtocols), workers);
        if (captures.stream().filter(c -> c.toString().equals(CaptureAnalyzer.STDIN)).count() > 1) {
            return fail("'-' (standard input) can be given only once", new IllegalArgumentException());
        }
        boolean partial = false;
        for (Path file : captures) {
            // a directory opens and then fails on read, which would pass for a damaged capture
            if (Files.isDirectory(file)) return fail(file + ": is a directory, not a capture file", null);
            try {
                // a pipe's size is unknown: no progress bar (it is read once, as it comes)
                long size = CaptureAnalyzer.isStream(file) ? -1 : Files.size(file);
                Inventory.CaptureSummary s;
                if (System.console() != null && size > (64L << 20)) {
                    try (ProgressBar pb = new ProgressBarBuilder().setTaskName(CaptureAnalyzer.displayName(file)).setInitialMax(size)
                            .setStyle(ProgressBarStyle.ASCII).setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err))
                            .setUnit(" MB", 1 << 20).build()) {
                        s = analyzer.analyze(file, pb::stepTo);
                        pb.stepTo(size);
                    }
                } else {
                    s = analyzer.analyze(file, null);
                }
                if (!s.warnings().isEmpty()) partial = true;
            } catch (CaptureFormatException e) {
                return fail(e.getMessage(), e);
            } catch (NoSuchFileException e) {
                return fail(file + ": no such file", e);
            } catch (IOException e) {
                return fail(file + ": " + e.getMessage(), e);
            }
        }
        Inventory inv = builder.snapshot();
        try {
            if (json != null) writeTo(json, o -> InventoryJson.write(inv, Version.get(), o));
            if (csv != null) writeTo(csv, o -> {
                Writer w = new java.io.OutputStreamWriter(o, StandardCharsets.UTF_8);
                InventoryCsv.write(inv, w);
                w.flush();
            });
            if (report != null) {
                EvidenceReport r = EvidenceReport.build(inv, siteContext, declared, std, Version.get());
                for (String w : EvidencePack.write(r, report)) System.err.println("warning: " + w);
                Map<String, Integer> counts = r.findingCounts();
                System.err.println("evidence pack: " + report + " (" + counts.get("nonconformity") + " nonconformities, "
                        + counts.get("observation") + " observations, " + counts.get("evidence-of-conformity") + " evidence of conformity)");
            }
        } catch (IOException e) {
            return fail("cannot write output: " + e.getMessage(), e);
        }
        if (publish) {
            int rc = publish(inv, siteContext, declared, std);
            if (rc != 0) return rc;
        }
        boolean stdoutTaken = "-".equals(String.valueOf(json)) || "-".equals(String.valueOf(csv));
        if (!quiet && !stdoutTaken && !requiresReport()) InventoryTable.print(inv, out);
        else for (Inventory.CaptureSummary c : inv.captures()) for (String w : c.warnings()) System.err.println("warning: " + w);
        if (stats) printStats(analyzer.totals(), stdoutTaken ? System.err : out);
        if (serve) return serve(inv, analyzer.totals(), siteContext, declared, std);
        return partial ? 1 : 0;
    }

    private int publish(Inventory inv, SiteContext siteContext, List<RegisterEntry> declared, String std) {
        String name = siteName != null ? siteName : siteContext.name();
        io.gridscout.agent.fleet.FleetConfig config;
        try {
            io.gridscout.agent.fleet.FleetRecords.checkSite(name);
            config = io.gridscout.agent.fleet.FleetConfig.of(kafkaBootstrap, kafkaConfig);
        } catch (IOException | IllegalArgumentException e) {
            return fail(e.getMessage(), e);
        }
        List<io.gridscout.mapping.evidence.Finding> findings = EvidenceReport.build(inv, siteContext, declared, std, Version.get()).result().findings();
        try (io.gridscout.agent.fleet.Outbox outbox = outboxFile == null ? new io.gridscout.agent.fleet.InMemoryOutbox()
                : new io.gridscout.agent.fleet.SqliteOutbox(outboxFile, "fleet_outbox");
             io.gridscout.agent.fleet.Publisher publisher = new io.gridscout.agent.fleet.Publisher(config, outbox, std)) {
            publisher.snapshot(name, inv, findings, System.currentTimeMillis() * 1_000_000L);
            if (!publisher.drain(java.time.Duration.ofSeconds(Math.max(1, publishTimeout)))) {
                System.err.println("gridscout: error: Kafka did not acknowledge " + outbox.pending() + " records within " + publishTimeout + " s"
                        + (outboxFile == null ? "; they are lost (use --outbox FILE to keep them for the next run)" : "; they stay in " + outboxFile));
                return 1;
            }
            System.err.println("published " + publisher.sent() + " records for site " + name + " to " + config.kafka().getProperty("bootstrap.servers"));
        } catch (IllegalStateException e) {
            return fail(e.getMessage(), e);
        }
        return 0;
    }

    /** Serves the console over the finished inventory until the JVM is stopped (Ctrl-C, SIGTERM). */
    private int serve(Inventory inv, CaptureAnalyzer.Totals t, SiteContext siteContext, List<RegisterEntry> declared, String std) {
        io.gridscout.agent.daemon.AgentConfig.HostPort hp;
        try {
            hp = io.gridscout.agent.daemon.AgentConfig.HostPort.parse(listen == null ? "127.0.0.1:8484" : listen);
        } catch (RuntimeException e) {
            return fail("--listen: " + e.getMessage(), e);
        }
        io.gridscout.agent.api.ApiToken token;
        Path tf;
        try {
            tf = tokenFile != null ? tokenFile : Files.createTempDirectory("gridscout-console").resolve("api-token");
            token = io.gridscout.agent.api.ApiToken.loadOrCreate(tf);
        } catch (IOException e) {
            return fail("token file: " + e.getMessage(), e);
        }
        Map<String, Long> health = new java.util.LinkedHashMap<>();
        health.put("packets", t.packets);
        health.put("bytes", t.bytes);
        health.put("malformed", t.malformed);
        t.malformedByProtocol.forEach((k, v) -> health.put("malformed " + k, v));
        health.put("decoder errors", t.decoderErrors);
        health.put("tcp gaps", t.tcpGaps);
        health.put("flows evicted", t.flowsEvicted);
        health.put("fragments dropped", t.fragmentsDropped);
        var model = io.gridscout.agent.console.ConsoleModel.offline(inv, health, siteContext, declared, std, Version.get());
        io.gridscout.agent.api.ApiServer server;
        try {
            // no live API offline (it reads a running engine): the console's downloads give the JSON inventory
            server = new io.gridscout.agent.api.ApiServer(hp.host(), hp.port(), null, null,
                    new io.gridscout.agent.console.ConsoleRoutes(model, token, false));
        } catch (Exception e) {
            return fail("cannot listen on " + hp.host() + ":" + hp.port() + ": " + e.getMessage(), e);
        }
        System.err.println("gridscout: console on http://" + hp.host() + ":" + server.port() + "/ (token in " + tf.toAbsolutePath() + "); Ctrl-C stops");
        java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "console-shutdown"));
        for (;;) {
            try {
                stopped.await();
                return 0;
            } catch (InterruptedException e) {
                // only the shutdown hook ends the console
            }
        }
    }

    /** The report command always writes a pack and prints no table. */
    boolean requiresReport() {
        return false;
    }

    private interface Body {
        void write(OutputStream o) throws IOException;
    }

    private static void writeTo(Path p, Body body) throws IOException {
        if (p.toString().equals("-")) {
            body.write(System.out);
            System.out.flush();
            return;
        }
        try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(p))) {
            body.write(o);
        }
    }

    private int fail(String message, Exception e) {
        System.err.println("gridscout: error: " + message);
        if (debug && e != null) e.printStackTrace();
        return 2;
    }

    private static void printStats(CaptureAnalyzer.Totals t, PrintStream out) {
        double secs = Math.max(t.nanos, 1) / 1e9;
        out.printf("packets: %d%nbytes: %d%nseconds: %.3f%npackets/s: %.0f%nMB/s: %.1f%n", t.packets, t.bytes, secs,
                t.packets / secs, t.fileBytes / secs / 1e6);
        out.printf("malformed: %d%s%n", t.malformed, t.malformedByProtocol.isEmpty() ? "" : " " + t.malformedByProtocol);
        out.printf("flows: %d created, %d evicted, %d expired%ntcp gaps: %d%ndecoder errors: %d%nfragments dropped: %d%n",
                t.flowsCreated, t.flowsEvicted, t.flowsExpired, t.tcpGaps, t.decoderErrors, t.fragmentsDropped);
        if (t.workerCpuNanos.length == 0) out.printf("cpu s: reader+pipeline %.2f, sha-256 thread %.2f%n", t.readerCpuNanos / 1e9, t.shaCpuNanos / 1e9);
        else {
            StringBuilder sb = new StringBuilder();
            for (long w : t.workerCpuNanos) sb.append(sb.length() == 0 ? "" : " ").append(String.format("%.2f", w / 1e9));
            out.printf("cpu s: reader+lane 0 %.2f, workers %s, sha-256 thread %.2f%n", t.readerCpuNanos / 1e9, sb, t.shaCpuNanos / 1e9);
            if (t.readBuffers > 0) out.printf("read buffers: %d (lent to the workers and reused)%n", t.readBuffers);
        }
    }

}
