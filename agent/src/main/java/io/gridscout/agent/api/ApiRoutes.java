package io.gridscout.agent.api;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.gridscout.agent.daemon.AgentEngine;
import io.gridscout.agent.output.InventoryJson;
import io.gridscout.agent.output.Times;
import io.gridscout.agent.store.InventoryStore;
import io.gridscout.mapping.events.ChangeEvent;
import io.gridscout.mapping.inventory.Inventory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The read-only HTTP API as plain request → response code (the Netty server only moves bytes). Every
 * parameter is validated; unknown parameters and bad values answer 400 with a JSON error; pages are capped.
 */
public final class ApiRoutes {
    public static final int DEFAULT_LIMIT = 100, MAX_LIMIT = 1000;
    private static final JsonFactory JSON = new JsonFactory();

    public record Response(int status, String contentType, byte[] body) {}

    private final AgentEngine engine;
    private final AgentMetrics metrics;
    private final ApiToken token;
    private final String version;
    private volatile java.util.function.Supplier<List<String>> problems = List::of;

    public ApiRoutes(AgentEngine engine, AgentMetrics metrics, ApiToken token, String version) {
        this.engine = engine;
        this.metrics = metrics;
        this.token = token;
        this.version = version;
    }

    /** What makes the agent unhealthy (a dead capture, a stale checkpoint); /healthz answers 503 while non-empty. */
    public ApiRoutes withHealth(java.util.function.Supplier<List<String>> problems) {
        this.problems = problems;
        return this;
    }

    /** Thrown for a bad request parameter; answered 400. */
    static final class BadRequest extends Exception {
        BadRequest(String message) {
            super(message);
        }
    }

    public Response handle(String method, String uri, String authorization) {
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        if (!method.equals("GET") && !method.equals("HEAD")) return error(405, "method not allowed: the API is read-only");
        if (path.equals("/healthz")) return health();
        if (!token.accepts(authorization)) return error(401, "missing or wrong bearer token");
        try {
            Map<String, String> params = params(q < 0 ? "" : uri.substring(q + 1));
            if (path.equals("/metrics")) {
                allow(params);
                return new Response(200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape().getBytes(StandardCharsets.UTF_8));
            }
            if (path.equals("/api/v1/inventory")) {
                allow(params);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                InventoryJson.write(engine.inventory(), version, out);
                return json(out.toByteArray());
            }
            if (path.equals("/api/v1/assets")) return assets(params);
            if (path.startsWith("/api/v1/assets/")) {
                allow(params);
                String id = decode(path.substring("/api/v1/assets/".length()));
                Inventory.Asset a = engine.inventory().asset(id);
                if (a == null) return error(404, "no asset " + id);
                return json(g -> ApiEvidence.asset(engine, g, a));
            }
            if (path.equals("/api/v1/communications")) return communications(params);
            if (path.equals("/api/v1/events")) return events(params);
            if (path.equals("/api/v1/findings")) return ApiEvidence.findings(engine, params);
            return error(404, "no such resource: " + path);
        } catch (BadRequest e) {
            return error(400, e.getMessage());
        } catch (SQLException e) {
            return error(503, "store unavailable: " + e.getMessage());
        } catch (IOException e) {
            return error(500, e.getMessage());
        }
    }

    private Response health() {
        AgentEngine.LiveStats s = engine.stats();
        List<String> issues = problems.get();
        Response r = json(g -> {
            g.writeStartObject();
            g.writeStringField("status", issues.isEmpty() ? "ok" : "degraded");
            g.writeArrayFieldStart("problems");
            for (String p : issues) g.writeString(p);
            g.writeEndArray();
            g.writeStringField("version", version);
            g.writeNumberField("packets", s.packets());
            g.writeNumberField("assets", s.assets());
            g.writeStringField("lastCheckpoint", engine.lastCheckpointWallNanos() == 0 ? null : Times.iso(engine.lastCheckpointWallNanos()));
            g.writeEndObject();
        });
        return issues.isEmpty() ? r : new Response(503, r.contentType(), r.body());
    }

    private Response assets(Map<String, String> p) throws BadRequest {
        allow(p, "class", "protocol", "zone", "since", "limit", "offset");
        String cls = p.get("class"), proto = p.get("protocol"), zone = ApiEvidence.zoneParam(engine, p);
        long since = since(p);
        int limit = limit(p);
        long offset = offset(p);
        List<Inventory.Asset> match = new ArrayList<>();
        for (Inventory.Asset a : engine.inventory().assets()) {
            if (cls != null && !cls.equals(a.deviceClass())) continue;
            if (proto != null && a.services().stream().noneMatch(s -> s.protocol().equals(proto))) continue;
            if (a.lastSeen() < since) continue;
            if (zone != null && !ApiEvidence.inZone(engine, a, zone)) continue;
            match.add(a);
        }
        return page("assets", match, limit, offset, (g, a) -> ApiEvidence.asset(engine, g, a));
    }

    private Response communications(Map<String, String> p) throws BadRequest {
        allow(p, "protocol", "asset", "zone", "since", "limit", "offset");
        String proto = p.get("protocol"), asset = p.get("asset"), zone = ApiEvidence.zoneParam(engine, p);
        long since = since(p);
        int limit = limit(p);
        long offset = offset(p);
        List<Inventory.Communication> match = new ArrayList<>();
        Inventory inv = engine.inventory();
        java.util.function.Predicate<Inventory.Communication> inZone = zone == null ? c -> true : ApiEvidence.commsInZone(engine, inv, zone);
        for (Inventory.Communication c : inv.communications()) {
            if (proto != null && !proto.equals(c.protocol())) continue;
            if (asset != null && !asset.equals(c.client()) && !asset.equals(c.server())) continue;
            if (c.lastSeen() < since) continue;
            if (!inZone.test(c)) continue;
            match.add(c);
        }
        return page("communications", match, limit, offset, InventoryJson::communication);
    }

    private Response events(Map<String, String> p) throws BadRequest, SQLException {
        allow(p, "since", "type", "limit", "offset");
        InventoryStore store = engine.store();
        if (store == null) return error(404, "events need a store");
        List<InventoryStore.StoredEvent> events = store.events(since(p), p.get("type"), limit(p), offset(p));
        return json(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("events");
            for (InventoryStore.StoredEvent se : events) {
                ChangeEvent e = se.event();
                g.writeStartObject();
                g.writeNumberField("seq", se.seq());
                g.writeStringField("time", Times.iso(e.time()));
                g.writeStringField("type", e.type());
                g.writeStringField("asset", e.assetId());
                g.writeStringField("subject", e.subject());
                g.writeStringField("old", e.oldValue());
                g.writeStringField("new", e.newValue());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private interface Item<T> {
        void write(JsonGenerator g, T item) throws IOException;
    }

    private static <T> Response page(String field, List<T> all, int limit, long offset, Item<T> item) {
        return json(g -> {
            g.writeStartObject();
            g.writeNumberField("total", all.size());
            g.writeNumberField("limit", limit);
            g.writeNumberField("offset", offset);
            g.writeArrayFieldStart(field);
            for (long i = offset; i < all.size() && i < offset + limit; i++) item.write(g, all.get((int) i));
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    // ------------------------------------------------------------------ parameters

    static Map<String, String> params(String query) throws BadRequest {
        Map<String, String> m = new LinkedHashMap<>();
        if (query.isEmpty()) return m;
        String[] parts = query.split("&", 33);
        if (parts.length > 32) throw new BadRequest("too many parameters");
        for (String part : parts) {
            if (part.isEmpty()) continue;
            int eq = part.indexOf('=');
            String k, v;
            k = decode(eq < 0 ? part : part.substring(0, eq));
            v = eq < 0 ? "" : decode(part.substring(eq + 1));
            if (m.put(k, v) != null) throw new BadRequest("parameter given twice: " + k);
        }
        return m;
    }

    private static String decode(String s) throws BadRequest {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new BadRequest("bad percent-encoding");
        }
    }

    static void allow(Map<String, String> p, String... names) throws BadRequest {
        Set<String> ok = Set.of(names);
        for (String k : p.keySet()) if (!ok.contains(k)) throw new BadRequest("unknown parameter: " + k);
    }

    static int limit(Map<String, String> p) throws BadRequest {
        String s = p.get("limit");
        if (s == null) return DEFAULT_LIMIT;
        long v = number(s, "limit");
        if (v < 1 || v > MAX_LIMIT) throw new BadRequest("limit must be 1.." + MAX_LIMIT);
        return (int) v;
    }

    static long offset(Map<String, String> p) throws BadRequest {
        String s = p.get("offset");
        if (s == null) return 0;
        long v = number(s, "offset");
        if (v < 0) throw new BadRequest("offset must be >= 0");
        return v;
    }

    /** {@code since}: ISO-8601 instant (2026-11-28T06:00:00Z); absent: everything. */
    static long since(Map<String, String> p) throws BadRequest {
        String s = p.get("since");
        if (s == null) return Long.MIN_VALUE;
        try {
            Instant i = Instant.parse(s);
            return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new BadRequest("since must be an ISO-8601 instant such as 2026-01-31T12:00:00Z");
        }
    }

    private static long number(String s, String name) throws BadRequest {
        if (s.isEmpty() || s.length() > 12) throw new BadRequest(name + " must be a number");
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new BadRequest(name + " must be a number");
        }
    }

    // ------------------------------------------------------------------ JSON

    interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    static Response json(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            body.write(g);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);   // a ByteArrayOutputStream does not fail
        }
        out.write('\n');
        return json(out.toByteArray());
    }

    private static Response json(byte[] b) {
        return new Response(200, "application/json", b);
    }

    static Response error(int status, String message) {
        Response r = json(g -> {
            g.writeStartObject();
            g.writeObjectFieldStart("error");
            g.writeNumberField("status", status);
            g.writeStringField("message", message);
            g.writeEndObject();
            g.writeEndObject();
        });
        return new Response(status, r.contentType(), r.body());
    }
}
