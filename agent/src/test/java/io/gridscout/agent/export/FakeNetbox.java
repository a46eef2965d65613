package io.gridscout.agent.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A small real HTTP server on 127.0.0.1 that answers the part of NetBox's REST API the push uses, the way NetBox does:
 * token auth ({@code Authorization: Token T}, 403 otherwise), paginated lists {@code {"count","next","previous","results"}}
 * filtered by query parameters, 201 with the object on POST, 200 on PATCH, foreign keys answered as nested objects with
 * an id, choices (status) as {value,label}, 400 when a required field is missing. Records every request.
 */
final class FakeNetbox implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Required fields per endpoint, as NetBox enforces them. */
    static final Map<String, List<String>> REQUIRED = Map.of(
            "dcim/sites", List.of("name", "slug"),
            "dcim/manufacturers", List.of("name", "slug"),
            "dcim/device-roles", List.of("name", "slug"),
            "dcim/device-types", List.of("manufacturer", "model", "slug"),
            "dcim/devices", List.of("device_type", "role", "site"),
            "dcim/interfaces", List.of("device", "name", "type"),
            "ipam/ip-addresses", List.of("address"));
    static final List<String> FOREIGN = List.of("site", "role", "device_type", "manufacturer", "device", "primary_ip4", "primary_ip6");

    record Request(String method, String path, String query, JsonNode body) {}

    final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    final Map<String, Map<Long, ObjectNode>> tables = new TreeMap<>();
    private final HttpServer server;
    private final String token;
    private long nextId = 1;

    FakeNetbox(String token) throws IOException {
        this.token = token;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/", this::handle);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    List<ObjectNode> all(String table) {
        return new ArrayList<>(tables.getOrDefault(table, Map.of()).values());
    }

    private synchronized void handle(HttpExchange x) throws IOException {
        try (x) {
            String path = x.getRequestURI().getPath().substring("/api/".length());
            byte[] in = x.getRequestBody().readAllBytes();
            JsonNode body = in.length == 0 ? null : JSON.readTree(in);
            requests.add(new Request(x.getRequestMethod(), path, x.getRequestURI().getRawQuery(), body));
            if (!("Token " + token).equals(x.getRequestHeaders().getFirst("Authorization"))) {
                reply(x, 403, JSON.createObjectNode().put("detail", "Invalid token"));
                return;
            }
            String[] parts = path.split("/");
            String table = parts[0] + "/" + parts[1];
            if (!REQUIRED.containsKey(table)) {
                reply(x, 404, JSON.createObjectNode().put("detail", "Not found."));
                return;
            }
            Map<Long, ObjectNode> rows = tables.computeIfAbsent(table, k -> new LinkedHashMap<>());
            switch (x.getRequestMethod()) {
                case "GET" -> {
                    Map<String, String> q = query(x.getRequestURI().getRawQuery());
                    ArrayNode results = JSON.createArrayNode();
                    for (ObjectNode o : rows.values()) if (matches(o, q)) results.add(o);
                    ObjectNode r = JSON.createObjectNode().put("count", results.size()).putNull("next").putNull("previous");
                    r.set("results", results);
                    reply(x, 200, r);
                }
                case "POST" -> {
                    for (String f : REQUIRED.get(table)) {
                        if (body == null || !body.hasNonNull(f)) {
                            reply(x, 400, JSON.createObjectNode().set(f, JSON.createArrayNode().add("This field is required.")));
                            return;
                        }
                    }
                    ObjectNode o = JSON.createObjectNode().put("id", nextId++);
                    apply(o, body);
                    rows.put(o.get("id").asLong(), o);
                    reply(x, 201, o);
                }
                case "PATCH" -> {
                    ObjectNode o = parts.length > 2 ? rows.get(Long.parseLong(parts[2])) : null;
                    if (o == null) {
                        reply(x, 404, JSON.createObjectNode().put("detail", "No " + table + " matches the given query."));
                        return;
                    }
                    apply(o, body);
                    reply(x, 200, o);
                }
                default -> reply(x, 405, JSON.createObjectNode().put("detail", "Method not allowed"));
            }
        }
    }

    private static void apply(ObjectNode o, JsonNode body) {
        body.fields().forEachRemaining(e -> {
            if (FOREIGN.contains(e.getKey())) o.putObject(e.getKey()).put("id", e.getValue().asLong());
            else if (e.getKey().equals("status")) o.putObject("status").put("value", e.getValue().asText()).put("label", e.getValue().asText());
            else o.set(e.getKey(), e.getValue());
        });
    }

    /** NetBox filters used by the push: name, model, address, <fk>_id. */
    private static boolean matches(ObjectNode o, Map<String, String> q) {
        for (Map.Entry<String, String> e : q.entrySet()) {
            String k = e.getKey();
            if (k.equals("limit") || k.equals("offset")) continue;
            String have;
            if (k.equals("interface_id")) have = o.path("assigned_object_type").asText().equals("dcim.interface") ? o.path("assigned_object_id").asText() : "";
            else if (k.endsWith("_id")) have = o.path(k.substring(0, k.length() - 3)).path("id").asText();
            else have = o.path(k).asText();
            if (!have.equals(e.getValue())) return false;
        }
        return true;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw == null) return q;
        for (String p : raw.split("&")) {
            int i = p.indexOf('=');
            q.put(URLDecoder.decode(p.substring(0, i), StandardCharsets.UTF_8), URLDecoder.decode(p.substring(i + 1), StandardCharsets.UTF_8));
        }
        return q;
    }

    private static void reply(HttpExchange x, int status, JsonNode body) throws IOException {
        byte[] b = JSON.writeValueAsBytes(body);
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.sendResponseHeaders(status, b.length);
        x.getResponseBody().write(b);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
