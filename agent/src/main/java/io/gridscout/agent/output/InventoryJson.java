package io.gridscout.agent.output;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import io.gridscout.mapping.inventory.Inventory;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;

/**
 * Writes the inventory JSON contract {@code gridscout.inventory/1}. Other tools depend on these names:
 * fields may be added, never renamed or dropped. Output is deterministic for the same inputs.
 */
public final class InventoryJson {
    private static final JsonFactory FACTORY = new JsonFactory();

    private InventoryJson() {}

    public static void write(Inventory inv, String version, OutputStream out) throws IOException {
        try (JsonGenerator g = generator(out)) {
            g.writeStartObject();
            g.writeStringField("schema", Inventory.SCHEMA);
            startGenerator(g, version);
            g.writeStringField("macVendorRegistry", io.gridscout.mapping.oui.OuiRegistry.get().sourceDate());
            g.writeEndObject();
            g.writeArrayFieldStart("captures");
            for (Inventory.CaptureSummary c : inv.captures()) capture(g, c, true);
            g.writeEndArray();
            g.writeArrayFieldStart("assets");
            for (Inventory.Asset a : inv.assets()) asset(g, a);
            g.writeEndArray();
            g.writeArrayFieldStart("communications");
            for (Inventory.Communication c : inv.communications()) communication(g, c);
            g.writeEndArray();
            numbers(g, "counters", inv.counters());
            g.writeEndObject();
            g.writeRaw('\n');
        }
    }

    /** One asset in the contract (also the value of a fleet asset record). */
    public static void asset(JsonGenerator g, Inventory.Asset a) throws IOException {
        g.writeStartObject();
        assetFields(g, a);
        g.writeEndObject();
    }

    /** An asset's fields without the enclosing object, so a view (the API) can append its own. */
    public static void assetFields(JsonGenerator g, Inventory.Asset a) throws IOException {
        g.writeStringField("id", a.id());
        strings(g, "macs", a.macs());
        strings(g, "ips", a.ips());
        g.writeStringField("vendor", a.vendor());
        g.writeStringField("model", a.model());
        g.writeStringField("firmware", a.firmware());
        g.writeStringField("serial", a.serial());
        g.writeStringField("name", a.name());
        g.writeStringField("deviceClass", a.deviceClass());
        g.writeNumberField("classConfidence", a.classConfidence());
        strings(g, "classRules", a.classRules());
        g.writeArrayFieldStart("services");
        for (Inventory.Service s : a.services()) {
            g.writeStartObject();
            g.writeStringField("protocol", s.protocol());
            g.writeStringField("role", s.role());
            g.writeStringField("transport", s.transport());
            if (s.port() > 0) g.writeNumberField("port", s.port()); else g.writeNullField("port");
            // the contract names unitIds on every service; other protocol details follow as sets of their own
            values(g, "unitIds", s.details().getOrDefault("unitIds", List.of()));
            for (Map.Entry<String, List<Object>> d : s.details().entrySet()) {
                if (!d.getKey().equals("unitIds")) values(g, d.getKey(), d.getValue());
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("attributes");

        for (Inventory.Attribute at : a.attributes()) {
            g.writeStartObject();
            g.writeStringField("name", at.name());
            g.writeStringField("value", at.value());
            g.writeStringField("source", at.source());
            g.writeNumberField("confidence", at.confidence());
            g.writeStringField("firstSeen", Times.iso(at.firstSeen()));
            g.writeStringField("lastSeen", Times.iso(at.lastSeen()));
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeStringField("firstSeen", Times.iso(a.firstSeen()));
        g.writeStringField("lastSeen", Times.iso(a.lastSeen()));
    }

    public static void communication(JsonGenerator g, Inventory.Communication c) throws IOException {
        g.writeStartObject();
        g.writeStringField("client", c.client());
        g.writeStringField("server", c.server());
        g.writeStringField("protocol", c.protocol());
        g.writeStringField("transport", c.transport());
        if (c.port() > 0) g.writeNumberField("port", c.port()); else g.writeNullField("port");
        g.writeNumberField("packets", c.packets());
        g.writeNumberField("bytes", c.bytes());
        g.writeArrayFieldStart("operations");
        for (Inventory.Operation o : c.operations()) {
            g.writeStartObject();
            g.writeNumberField("code", o.code());
            g.writeStringField("name", o.name());
            g.writeNumberField("count", o.count());
            g.writeStringField("kind", o.kind());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("details");
        for (Inventory.Detail d : c.details()) {
            g.writeStartObject();
            g.writeStringField("name", d.name());
            g.writeStringField("value", d.value());
            g.writeNumberField("count", d.count());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeStringField("firstSeen", Times.iso(c.firstSeen()));
        g.writeStringField("lastSeen", Times.iso(c.lastSeen()));
        g.writeEndObject();
    }

    private static void values(JsonGenerator g, String field, List<Object> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (Object v : values) {
            if (v instanceof Number n) g.writeNumber(n.longValue());
            else if (v instanceof Boolean b) g.writeBoolean(b);
            else g.writeString(String.valueOf(v));
        }
        g.writeEndArray();
    }

    // ---- shared with the other gridscout JSON documents (findings.json) ----

    /** A pretty-printing UTF-8 generator; the caller writes one object, then {@code g.writeRaw('\n')}. */
    public static JsonGenerator generator(OutputStream out) throws IOException {
        JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8);
        g.setPrettyPrinter(new DefaultPrettyPrinter());
        return g;
    }

    /** Opens the "generator" object (name, version); the caller may add fields, then ends it. */
    public static void startGenerator(JsonGenerator g, String version) throws IOException {
        g.writeObjectFieldStart("generator");
        g.writeStringField("name", "gridscout");
        g.writeStringField("version", version);
    }

    /** One capture summary object; {@code withWarnings} adds the reader's warnings. */
    public static void capture(JsonGenerator g, Inventory.CaptureSummary c, boolean withWarnings) throws IOException {
        g.writeStartObject();
        g.writeStringField("file", c.file());
        g.writeStringField("sha256", c.sha256());
        g.writeNumberField("packets", c.packets());
        g.writeStringField("start", c.packets() == 0 ? null : Times.iso(c.start()));
        g.writeStringField("end", c.packets() == 0 ? null : Times.iso(c.end()));
        if (withWarnings) strings(g, "warnings", c.warnings());
        g.writeEndObject();
    }

    public static void strings(JsonGenerator g, String field, List<String> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (String v : values) g.writeString(v);
        g.writeEndArray();
    }

    /** An object of name -> number, in the map's order. */
    public static void numbers(JsonGenerator g, String field, Map<String, ? extends Number> values) throws IOException {
        g.writeObjectFieldStart(field);
        for (Map.Entry<String, ? extends Number> e : values.entrySet()) g.writeNumberField(e.getKey(), e.getValue().longValue());
        g.writeEndObject();
    }
}
