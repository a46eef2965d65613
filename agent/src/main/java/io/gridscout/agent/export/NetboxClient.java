package io.gridscout.agent.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pushes devices through NetBox's REST API, idempotently: every object is looked up by its natural key first
 * (site, manufacturer, role by name; device type by manufacturer + model; device by site + name; interface by device
 * + name; address by address + interface) and created only when missing; devices and addresses that exist are
 * updated (PATCH). The device's primary IP is set last, after its address is assigned to its interface.
 * Tokens: NetBox v1 tokens go as {@code Authorization: Token T}; v2 tokens ({@code nbt_...}, NetBox 4.5+) as Bearer.
 */
public final class NetboxClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    public record Result(int created, int updated, int unchanged) {}

    private final URI base;
    private final String auth;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final Map<String, Long> cache = new LinkedHashMap<>();
    private int created, updated, unchanged;

    public NetboxClient(URI base, String token) {
        String b = base.toString();
        this.base = URI.create(b.endsWith("/") ? b : b + "/");
        this.auth = token.startsWith("nbt_") ? "Bearer " + token : "Token " + token;
    }

    public Result push(List<NetboxDevice> devices) throws IOException {
        created = updated = unchanged = 0;
        for (NetboxDevice d : devices) device(d);
        return new Result(created, updated, unchanged);
    }

    private void device(NetboxDevice d) throws IOException {
        long site = ensure("dcim/sites/", Map.of("name", d.site()), obj("name", d.site(), "slug", NetboxDevice.slug(d.site()), "status", "active"));
        long mfr = ensure("dcim/manufacturers/", Map.of("name", d.manufacturer()), obj("name", d.manufacturer(), "slug", NetboxDevice.slug(d.manufacturer())));
        long role = ensure("dcim/device-roles/", Map.of("name", d.role()), obj("name", d.role(), "slug", NetboxDevice.slug(d.role()), "color", "9e9e9e"));
        long type = ensure("dcim/device-types/", Map.of("manufacturer_id", String.valueOf(mfr), "model", d.model()),
                obj("manufacturer", mfr, "model", d.model(), "slug", NetboxDevice.slug(d.manufacturer() + "-" + d.model())));
        ObjectNode body = obj("name", d.name(), "site", site, "role", role, "device_type", type, "status", d.status(), "serial", d.serial());
        body.putObject("custom_fields").put("firmware", d.firmware()).put("protocols", d.protocols());
        long dev = upsert("dcim/devices/", Map.of("site_id", String.valueOf(site), "name", d.name()), body);
        long ifc = ensure("dcim/interfaces/", Map.of("device_id", String.valueOf(dev), "name", NetboxDevice.INTERFACE),
                obj("device", dev, "name", NetboxDevice.INTERFACE, "type", "other", "description", "seen by gridscout; MAC " + String.join(" ", d.macs())));
        Long primary4 = null, primary6 = null;
        for (String ip : d.ips()) {
            ObjectNode ipBody = obj("address", NetboxDevice.cidr(ip), "status", "active", "assigned_object_type", "dcim.interface",
                    "assigned_object_id", ifc, "description", "seen by gridscout (asset " + d.assetId() + ")");
            long id = upsert("ipam/ip-addresses/", Map.of("address", NetboxDevice.cidr(ip), "interface_id", String.valueOf(ifc)), ipBody);
            if (ip.equals(d.primaryIp4())) primary4 = id;
            if (ip.equals(d.primaryIp6())) primary6 = id;
        }
        if (primary4 != null || primary6 != null) {
            ObjectNode p = JSON.createObjectNode();
            if (primary4 != null) p.put("primary_ip4", primary4);
            if (primary6 != null) p.put("primary_ip6", primary6);
            send("PATCH", "dcim/devices/" + dev + "/", p);
        }
    }

    /** Looks up by the filter; creates when missing. Ids are cached per filter for this push. */
    private long ensure(String path, Map<String, String> filter, ObjectNode body) throws IOException {
        String key = path + filter;
        Long id = cache.get(key);
        if (id != null) return id;
        JsonNode found = find(path, filter);
        if (found != null) {
            unchanged++;
            id = found.path("id").asLong();
        } else {
            created++;
            id = send("POST", path, body).path("id").asLong();
        }
        cache.put(key, id);
        return id;
    }

    /** Looks up by the filter; updates what differs, or creates. */
    private long upsert(String path, Map<String, String> filter, ObjectNode body) throws IOException {
        JsonNode found = find(path, filter);
        if (found == null) {
            created++;
            return send("POST", path, body).path("id").asLong();
        }
        long id = found.path("id").asLong();
        if (differs(found, body)) {
            updated++;
            send("PATCH", path + id + "/", body);
        } else {
            unchanged++;
        }
        return id;
    }

    /** NetBox answers foreign keys as nested objects ({"id": 3, ...}) and choices as {"value": "active", ...}. */
    private static boolean differs(JsonNode found, ObjectNode body) {
        var it = body.fields();
        while (it.hasNext()) {
            var e = it.next();
            JsonNode have = found.path(e.getKey());
            if (have.isObject() && have.has("id")) have = have.get("id");
            else if (have.isObject() && have.has("value")) have = have.get("value");
            JsonNode want = e.getValue();
            if (want.isObject()) {
                var f = want.fields();
                while (f.hasNext()) {
                    var c = f.next();
                    if (!c.getValue().asText().equals(have.path(c.getKey()).asText())) return true;
                }
            } else if (!want.asText().equals(have.asText())) {
                return true;
            }
        }
        return false;
    }

    private JsonNode find(String path, Map<String, String> filter) throws IOException {
        StringBuilder q = new StringBuilder(path).append("?limit=2");
        for (Map.Entry<String, String> e : filter.entrySet()) {
            q.append('&').append(e.getKey()).append('=').append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
        }
        JsonNode r = send("GET", q.toString(), null);
        JsonNode results = r.path("results");
        if (results.size() > 1) throw new IOException("NetBox " + path + filter + ": " + results.size() + " objects match, expected one");
        return results.size() == 1 ? results.get(0) : null;
    }

    private JsonNode send(String method, String path, JsonNode body) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve("api/" + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", auth).header("Accept", "application/json");
        if (body == null) b.method(method, HttpRequest.BodyPublishers.noBody());
        else b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        HttpResponse<byte[]> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (r.statusCode() >= 300) {
            String text = new String(r.body(), StandardCharsets.UTF_8);
            throw new IOException("NetBox " + method + " /api/" + path + ": HTTP " + r.statusCode() + " " + (text.length() > 300 ? text.substring(0, 300) : text));
        }
        return r.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(r.body());
    }

    private static ObjectNode obj(Object... kv) {
        ObjectNode o = JSON.createObjectNode();
        for (int i = 0; i < kv.length; i += 2) {
            String k = (String) kv[i];
            Object v = kv[i + 1];
            if (v instanceof Long l) o.put(k, l);
            else o.put(k, String.valueOf(v));
        }
        return o;
    }
}
