package io.gridscout.agent.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gridscout.mapping.inventory.Inventory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an inventory written in the {@code gridscout.inventory/1} contract back into the model, so exports can
 * start from a saved inventory instead of re-reading captures. Communications are read too; counters are kept.
 */
public final class InventoryJsonReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private InventoryJsonReader() {}

    public static Inventory read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(JSON.readTree(in));
        }
    }

    public static Inventory read(JsonNode root) throws IOException {
        if (!Inventory.SCHEMA.equals(root.path("schema").asText())) {
            throw new IOException("not a " + Inventory.SCHEMA + " document (schema: " + root.path("schema").asText("none") + ")");
        }
        List<Inventory.CaptureSummary> captures = new ArrayList<>();
        for (JsonNode c : root.path("captures")) {
            captures.add(new Inventory.CaptureSummary(c.path("file").asText(), text(c, "sha256"), c.path("packets").asLong(),
                    time(c, "start", Long.MAX_VALUE), time(c, "end", Long.MIN_VALUE), strings(c.path("warnings"))));
        }
        List<Inventory.Asset> assets = new ArrayList<>();
        for (JsonNode a : root.path("assets")) assets.add(asset(a));
        List<Inventory.Communication> comms = new ArrayList<>();
        for (JsonNode c : root.path("communications")) {
            List<Inventory.Operation> ops = new ArrayList<>();
            for (JsonNode o : c.path("operations")) ops.add(new Inventory.Operation(o.path("code").asInt(), text(o, "name"), o.path("count").asLong(), text(o, "kind")));
            List<Inventory.Detail> det = new ArrayList<>();
            for (JsonNode d : c.path("details")) det.add(new Inventory.Detail(text(d, "name"), text(d, "value"), d.path("count").asLong()));
            comms.add(new Inventory.Communication(text(c, "client"), text(c, "server"), text(c, "protocol"), text(c, "transport"),
                    c.path("port").asInt(0), c.path("packets").asLong(), c.path("bytes").asLong(), ops, det,
                    time(c, "firstSeen", Long.MAX_VALUE), time(c, "lastSeen", Long.MIN_VALUE)));
        }
        Map<String, Long> counters = new LinkedHashMap<>();
        root.path("counters").fields().forEachRemaining(e -> counters.put(e.getKey(), e.getValue().asLong()));
        return new Inventory(captures, assets, comms, counters);
    }

    /** One asset object of the contract (also the value of a fleet asset record). */
    public static Inventory.Asset asset(JsonNode a) {
        List<Inventory.Service> services = new ArrayList<>();
        for (JsonNode s : a.path("services")) {
            Map<String, List<Object>> details = new LinkedHashMap<>();
            s.fields().forEachRemaining(e -> {
                if (!e.getValue().isArray()) return;
                List<Object> vals = new ArrayList<>();
                for (JsonNode v : e.getValue()) vals.add(v.isIntegralNumber() ? (Object) v.asLong() : v.isBoolean() ? (Object) v.asBoolean() : v.asText());
                // the writer always emits unitIds; an empty one is not a detail of its own
                if (!(e.getKey().equals("unitIds") && vals.isEmpty())) details.put(e.getKey(), vals);
            });
            services.add(new Inventory.Service(text(s, "protocol"), text(s, "role"), text(s, "transport"), s.path("port").asInt(0), details));
        }
        List<Inventory.Attribute> attrs = new ArrayList<>();
        for (JsonNode at : a.path("attributes")) {
            attrs.add(new Inventory.Attribute(text(at, "name"), text(at, "value"), text(at, "source"), at.path("confidence").asDouble(),
                    time(at, "firstSeen", Long.MAX_VALUE), time(at, "lastSeen", Long.MIN_VALUE)));
        }
        return new Inventory.Asset(text(a, "id"), strings(a.path("macs")), strings(a.path("ips")), text(a, "vendor"), text(a, "model"),
                text(a, "firmware"), text(a, "serial"), text(a, "name"), text(a, "deviceClass"), a.path("classConfidence").asDouble(),
                strings(a.path("classRules")), services, attrs, time(a, "firstSeen", Long.MAX_VALUE), time(a, "lastSeen", Long.MIN_VALUE));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static List<String> strings(JsonNode arr) {
        List<String> out = new ArrayList<>();
        for (JsonNode v : arr) out.add(v.asText());
        return List.copyOf(out);
    }

    private static long time(JsonNode n, String field, long absent) {
        String s = text(n, field);
        if (s == null) return absent;
        Instant i = Instant.parse(s);
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
