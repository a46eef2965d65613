package io.gridscout.agent.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.gridscout.agent.cli.Version;
import io.gridscout.agent.evidence.EvidenceJson;
import io.gridscout.agent.evidence.EvidencePack;
import io.gridscout.agent.evidence.ReportHtml;
import io.gridscout.agent.evidence.EvidenceReport;
import io.gridscout.mapping.controls.ControlCatalog;
import io.gridscout.mapping.inventory.Inventory;
import io.gridscout.mapping.register.RegisterEntry;
import io.gridscout.mapping.site.SiteContext;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The hub's HTTP API (JDK HTTP server, a small fixed thread pool). Every path needs {@code Authorization: Bearer
 * TOKEN} except {@code /health}.
 * <ul>
 * <li>{@code GET /api/v1/inventory?site=&class=&protocol=&zone=&offset=&limit=}: the {@code gridscout.inventory/1}
 * contract with a {@code site} on every asset, and counts per site, class and protocol over all matching assets
 * ({@code zone}: a zone of the asset's site.yaml, see {@link HubSites});</li>
 * <li>{@code GET /api/v1/findings?site=}: the findings of the 27019 rules with the site, counts per site, rule, status;</li>
 * <li>{@code GET /api/v1/report?site=&format=json|html|pdf|zip}: the 27019 evidence pack computed over one site's
 * inventory and communications with its site.yaml and register, or over the fleet (asset ids prefixed {@code site/});
 * json is findings.json ({@code gridscout.evidence/1}), zip every file {@code gridscout report} writes, same names;</li>
 * <li>{@code GET /api/v1/sites}: assets, findings and events per site, last event;</li>
 * <li>{@code GET /api/v1/status}: partitions owned, lag, records applied and duplicates dropped;</li>
 * <li>{@code GET /metrics}: Prometheus text, including consumer lag.</li>
 * </ul>
 */
public final class HubServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer http;
    private final Hub hub;
    private final byte[] token;
    private final PrometheusMeterRegistry registry;
    private final HubSites sites;
    private final String standard;
    private java.util.concurrent.ExecutorService pool;

    public HubServer(InetSocketAddress listen, Hub hub, String token, PrometheusMeterRegistry registry) throws IOException {
        this(listen, hub, token, registry, HubSites.none(null), "27019:2024");
    }

    /** {@code register}: the asset register the report reconciles against (null: no reconciliation); {@code standard}: its edition. */
    public HubServer(InetSocketAddress listen, Hub hub, String token, PrometheusMeterRegistry registry, List<RegisterEntry> register,
                     String standard) throws IOException {
        this(listen, hub, token, registry, HubSites.none(register), standard);
    }

    /** {@code sites}: per-site site.yaml (zones, writers, register) for the report and the zone filter. */
    public HubServer(InetSocketAddress listen, Hub hub, String token, PrometheusMeterRegistry registry, HubSites sites,
                     String standard) throws IOException {
        this.sites = sites;
        this.standard = standard;
        if (token == null || token.length() < 16) throw new IllegalArgumentException("the hub token must have at least 16 characters");
        this.hub = hub;
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.registry = registry;
        http = HttpServer.create(listen, 64);
        http.setExecutor(pool = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "gridscout-hub-http");
            t.setDaemon(true);
            return t;
        }));
        http.createContext("/", this::handle);
        http.start();
    }

    public int port() {
        return http.getAddress().getPort();
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String path = x.getRequestURI().getPath();
            if (path.equals("/health")) {
                send(x, 200, "text/plain", "ok\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (!authorised(x.getRequestHeaders().getFirst("Authorization"))) {
                x.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"gridscout\"");
                error(x, 401, "missing or wrong bearer token");
                return;
            }
            if (!x.getRequestMethod().equals("GET")) {
                error(x, 405, "only GET");
                return;
            }
            Map<String, String> q = query(x.getRequestURI().getRawQuery());
            switch (path) {
                case "/api/v1/inventory" -> {
                    String zone = q.get("zone");
                    if (zone != null && !sites.knowsZone(q.get("site"), zone)) {
                        error(x, 400, "unknown zone: " + zone + (q.get("site") == null ? " (no site declares it)" : " (not declared by site " + q.get("site") + ")"));
                        return;
                    }
                    json(x, inventory(q.get("site"), q.get("class"), q.get("protocol"), zone,
                            number(q.get("offset"), 0), number(q.get("limit"), Integer.MAX_VALUE)));
                }
                case "/api/v1/findings" -> json(x, findings(q.get("site")));
                case "/api/v1/sites" -> json(x, sites());
                case "/api/v1/report" -> {
                    String std;
                    try {
                        std = q.containsKey("standard") ? ControlCatalog.normaliseStandard(q.get("standard")) : standard;
                    } catch (IllegalArgumentException e) {
                        error(x, 400, e.getMessage());
                        return;
                    }
                    report(x, q.get("site"), q.getOrDefault("format", "json"), std);
                }
                case "/api/v1/status" -> json(x, status());
                case "/metrics" -> send(x, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape().getBytes(StandardCharsets.UTF_8));
                default -> error(x, 404, "no such path");
            }
        } catch (RuntimeException e) {
            // the exchange may be half written; the client sees a closed connection
            System.err.println("gridscout hub: " + x.getRequestURI() + ": " + e);
        }
    }

    private boolean authorised(String header) {
        if (header == null || !header.startsWith("Bearer ")) return false;
        return MessageDigest.isEqual(header.substring(7).trim().getBytes(StandardCharsets.UTF_8), token);
    }

    /** A page of the matching assets ({@code offset}, {@code limit}); counts are over all matching assets. */
    ObjectNode inventory(String site, String cls, String protocol, int offset, int limit) {
        return inventory(site, cls, protocol, null, offset, limit);
    }

    /** {@code zone}: only assets with an address in that zone of their own site's site.yaml (null: all). */
    ObjectNode inventory(String site, String cls, String protocol, String zone, int offset, int limit) {
        ObjectNode root = JSON.createObjectNode();
        root.put("schema", Inventory.SCHEMA);
        root.putObject("generator").put("name", "gridscout-hub");
        // what this answer covers: the partitions this hub owns and how far behind it is (lag 0 = complete)
        root.putObject("hub").put("partitions", hub.owned().size()).put("lag", hub.lag());
        ArrayNode assets = root.putArray("assets");
        Map<String, Long> bySite = new TreeMap<>(), byClass = new TreeMap<>(), byProtocol = new TreeMap<>();
        int matched = 0;
        for (FleetStore.Item i : hub.store().items(FleetStore.Kind.ASSET, site)) {
            JsonNode a = i.json();
            if (cls != null && !cls.equals(a.path("deviceClass").asText())) continue;
            if (protocol != null && !hasProtocol(a, protocol)) continue;
            if (zone != null && !sites.context(i.site()).inZone(ips(a), zone)) continue;
            if (matched++ >= offset && assets.size() < limit) {
                ObjectNode withSite = JSON.createObjectNode().put("site", i.site());
                withSite.setAll(i.json());
                SiteContext ctx = sites.context(i.site());
                if (ctx.hasZones()) {   // as the agent's API: the asset's zone in its own site's site.yaml, or null
                    SiteContext.Zone z = ctx.zoneOfAny(ips(a));
                    withSite.put("zone", z == null ? null : z.name());
                }
                assets.add(withSite);
            }
            bySite.merge(i.site(), 1L, Long::sum);
            byClass.merge(a.path("deviceClass").asText("unknown"), 1L, Long::sum);
            for (JsonNode s : a.path("services")) byProtocol.merge(s.path("protocol").asText(), 1L, Long::sum);
        }
        ObjectNode counts = root.putObject("counts");
        counts.put("assets", matched);
        counts.set("bySite", JSON.valueToTree(bySite));
        counts.set("byClass", JSON.valueToTree(byClass));
        counts.set("byProtocol", JSON.valueToTree(byProtocol));
        return root;
    }

    private static List<String> ips(JsonNode asset) {
        List<String> out = new java.util.ArrayList<>();
        for (JsonNode ip : asset.path("ips")) out.add(ip.asText());
        return out;
    }

    private static boolean hasProtocol(JsonNode asset, String protocol) {
        for (JsonNode s : asset.path("services")) if (protocol.equals(s.path("protocol").asText())) return true;
        return false;
    }

    private ObjectNode findings(String site) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode arr = root.putArray("findings");
        Map<String, Long> byRule = new TreeMap<>(), byStatus = new TreeMap<>(), bySite = new TreeMap<>();
        for (FleetStore.Item i : hub.store().items(FleetStore.Kind.FINDING, site)) {
            ObjectNode f = JSON.createObjectNode().put("site", i.site());
            f.setAll(i.json());
            arr.add(f);
            byRule.merge(f.path("rule").asText(), 1L, Long::sum);
            byStatus.merge(f.path("status").asText(), 1L, Long::sum);
            bySite.merge(i.site(), 1L, Long::sum);
        }
        ObjectNode counts = root.putObject("counts");
        counts.put("findings", arr.size());
        counts.set("bySite", JSON.valueToTree(bySite));
        counts.set("byRule", JSON.valueToTree(byRule));
        counts.set("byStatus", JSON.valueToTree(byStatus));
        return root;
    }

    /** The evidence pack's files, by format: json = findings.json, html = report.html, pdf = report.pdf, zip = every file. */
    static final Map<String, String> FORMATS = Map.of("json", "findings.json", "html", "report.html", "pdf", "report.pdf", "zip", "");

    private void report(HttpExchange x, String site, String format, String std) throws IOException {
        if (!FORMATS.containsKey(format)) {
            error(x, 400, "format must be json, html, pdf or zip");
            return;
        }
        EvidenceReport r = evidence(site, std);
        switch (format) {
            case "json" -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
                EvidenceJson.write(r, out);
                send(x, 200, "application/json", out.toByteArray());
            }
            case "html" -> send(x, 200, "text/html; charset=utf-8", ReportHtml.render(r).getBytes(StandardCharsets.UTF_8));
            default -> {
                // the pack exactly as `gridscout report` writes it (same writer, same file names), from a scratch directory
                Path dir = Files.createTempDirectory("gridscout-hub-pack");
                try {
                    List<String> warnings = EvidencePack.write(r, dir);
                    for (String w : warnings) System.err.println("gridscout hub: " + w);
                    if (format.equals("pdf")) {
                        Path pdf = dir.resolve("report.pdf");
                        if (!Files.exists(pdf)) error(x, 500, String.join("; ", warnings));
                        else send(x, 200, "application/pdf", Files.readAllBytes(pdf));
                    } else {
                        x.getResponseHeaders().add("Content-Disposition", "attachment; filename=\"gridscout-evidence-"
                                + (site == null ? "fleet" : site.replaceAll("[^A-Za-z0-9._-]", "_")) + ".zip\"");
                        send(x, 200, "application/zip", zip(dir));
                    }
                } finally {
                    try (var files = Files.list(dir)) {
                        for (Path f : files.toList()) Files.deleteIfExists(f);
                    }
                    Files.deleteIfExists(dir);
                }
            }
        }
    }

    /** The evidence over the site (or the fleet when {@code site} is null), with the site's zones and register. */
    EvidenceReport evidence(String site, String std) {
        Inventory inv = FleetEvidence.inventory(hub.store(), site);
        SiteContext ctx = site == null ? SiteContext.empty() : sites.context(site);
        return EvidenceReport.build(inv, ctx, sites.register(site), std, Version.get());
    }

    /** findings.json over the site (or the fleet when {@code site} is null). */
    byte[] report(String site) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        EvidenceJson.write(evidence(site, standard), out);
        return out.toByteArray();
    }

    private static byte[] zip(Path dir) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(1 << 16);
        try (ZipOutputStream z = new ZipOutputStream(b); var files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                z.putNextEntry(new ZipEntry(f.getFileName().toString()));
                Files.copy(f, z);
                z.closeEntry();
            }
        }
        return b.toByteArray();
    }

    private ObjectNode sites() {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode arr = root.putArray("sites");
        for (FleetStore.SiteSummary s : hub.store().sites()) {
            ObjectNode o = arr.addObject().put("site", s.site()).put("assets", s.assets()).put("findings", s.findings()).put("events", s.events());
            o.set("lastEvent", s.lastEvent());
        }
        return root;
    }

    private ObjectNode status() {
        ObjectNode o = JSON.createObjectNode();
        o.put("lag", hub.lag());
        o.put("applied", hub.store().applied());
        o.put("duplicates", hub.store().duplicates());
        o.put("malformed", hub.store().malformed());
        ArrayNode parts = o.putArray("partitions");
        for (String p : hub.owned()) parts.add(p);
        o.put("failure", hub.failure() == null ? null : hub.failure().toString());
        return o;
    }

    private static int number(String s, int absent) {
        if (s == null) return absent;
        try {
            return Math.max(0, Integer.parseInt(s));
        } catch (NumberFormatException e) {
            return absent;
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) return q;
        for (String p : raw.split("&")) {
            int i = p.indexOf('=');
            if (i <= 0) continue;
            String v = URLDecoder.decode(p.substring(i + 1), StandardCharsets.UTF_8);
            if (!v.isEmpty()) q.put(URLDecoder.decode(p.substring(0, i), StandardCharsets.UTF_8), v);
        }
        return q;
    }

    private static void json(HttpExchange x, JsonNode body) throws IOException {
        send(x, 200, "application/json", JSON.writeValueAsBytes(body));
    }

    private static void error(HttpExchange x, int status, String message) throws IOException {
        send(x, status, "application/json", JSON.writeValueAsBytes(JSON.createObjectNode().put("error", message)));
    }

    private static void send(HttpExchange x, int status, String type, byte[] body) throws IOException {
        x.getResponseHeaders().add("Content-Type", type);
        x.sendResponseHeaders(status, body.length);
        x.getResponseBody().write(body);
    }

    @Override
    public void close() {
        http.stop(0);
        pool.shutdownNow();
    }

    /** For tests and the CLI: a list of the sites the hub serves. */
    public List<String> siteNames() {
        return hub.store().sites().stream().map(FleetStore.SiteSummary::site).toList();
    }
}
