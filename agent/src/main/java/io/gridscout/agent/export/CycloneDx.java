package io.gridscout.agent.export;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import io.gridscout.agent.output.Times;
import io.gridscout.mapping.inventory.Inventory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The inventory as a CycloneDX 1.6 hardware bill of materials: one component of type {@code device} per asset
 * (manufacturer and supplier from the vendor the device states, name from its model) with a nested component of
 * type {@code firmware} when the firmware is known. Serial, addresses, class and protocols go into
 * {@code gridscout:*} properties (1.6 has no serial field); where a value came from (protocol source, confidence,
 * capture) goes into the component's {@code evidence.identity}. The serial number of the BOM is derived from the
 * inventory's content so the same inventory gives the same BOM.
 */
public final class CycloneDx {
    public static final String SPEC_VERSION = "1.6";
    private static final JsonFactory FACTORY = new JsonFactory();

    private CycloneDx() {}

    public static void write(Inventory inv, String site, String version, long timestampNanos, OutputStream out) throws IOException {
        try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET); // the caller owns the stream (may be stdout)
            g.setPrettyPrinter(new DefaultPrettyPrinter());
            g.writeStartObject();
            g.writeStringField("$schema", "http://cyclonedx.org/schema/bom-1.6.schema.json");
            g.writeStringField("bomFormat", "CycloneDX");
            g.writeStringField("specVersion", SPEC_VERSION);
            g.writeStringField("serialNumber", "urn:uuid:" + serial(inv, site));
            g.writeNumberField("version", 1);
            g.writeObjectFieldStart("metadata");
            g.writeStringField("timestamp", Times.iso(timestampNanos).replaceFirst("\\.\\d+Z$", "Z"));
            g.writeArrayFieldStart("lifecycles");
            g.writeStartObject();
            g.writeStringField("phase", "operations");
            g.writeEndObject();
            g.writeEndArray();
            g.writeObjectFieldStart("tools");
            g.writeArrayFieldStart("components");
            g.writeStartObject();
            g.writeStringField("type", "application");
            g.writeStringField("name", "gridscout");
            g.writeStringField("version", version);
            g.writeEndObject();
            g.writeEndArray();
            g.writeEndObject();
            if (site != null) {
                g.writeObjectFieldStart("component");
                g.writeStringField("type", "platform");
                g.writeStringField("bom-ref", "site:" + site);
                g.writeStringField("name", site);
                g.writeStringField("description", "substation or plant network inventoried passively by gridscout");
                g.writeEndObject();
            }
            g.writeArrayFieldStart("properties");
            for (Inventory.CaptureSummary c : inv.captures()) {
                property(g, "gridscout:capture", c.file() + (c.sha256() == null ? "" : " sha256:" + c.sha256()));
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeArrayFieldStart("components");
            Set<String> refs = new LinkedHashSet<>();
            for (Inventory.Asset a : inv.assets()) {
                String ref = "asset:" + a.id();
                for (int i = 2; !refs.add(ref); i++) ref = "asset:" + a.id() + "#" + i;
                device(g, a, ref, inv);
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeRaw('\n');
        }
    }

    private static void device(JsonGenerator g, Inventory.Asset a, String ref, Inventory inv) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", "device");
        g.writeStringField("bom-ref", ref);
        if (a.vendor() != null) {
            g.writeObjectFieldStart("supplier");
            g.writeStringField("name", a.vendor());
            g.writeEndObject();
            g.writeObjectFieldStart("manufacturer");
            g.writeStringField("name", a.vendor());
            g.writeEndObject();
        }
        g.writeStringField("name", a.model() != null ? a.model() : a.name() != null ? a.name() : (a.deviceClass() == null ? "device" : a.deviceClass()) + " " + a.id());
        String hw = best(a, "hardware");
        if (hw != null) g.writeStringField("version", hw);
        g.writeStringField("description", describe(a));
        g.writeArrayFieldStart("properties");
        if (a.serial() != null) property(g, "gridscout:serial", a.serial());
        if (a.name() != null) property(g, "gridscout:name", a.name());
        property(g, "gridscout:assetId", a.id());
        for (String ip : a.ips()) property(g, "gridscout:ip", ip);
        for (String mac : a.macs()) property(g, "gridscout:mac", mac);
        if (a.deviceClass() != null) property(g, "gridscout:deviceClass", a.deviceClass());
        for (Inventory.Service s : a.services()) {
            property(g, "gridscout:service", s.protocol() + " " + s.role() + " " + s.transport() + (s.port() > 0 ? "/" + s.port() : ""));
        }
        property(g, "gridscout:firstSeen", Times.iso(a.firstSeen()));
        property(g, "gridscout:lastSeen", Times.iso(a.lastSeen()));
        g.writeEndArray();
        evidence(g, a, inv, "vendor", "model", "name");
        if (a.firmware() != null) {
            g.writeArrayFieldStart("components");
            g.writeStartObject();
            g.writeStringField("type", "firmware");
            g.writeStringField("bom-ref", ref + "/firmware");
            if (a.vendor() != null) {
                g.writeObjectFieldStart("supplier");
                g.writeStringField("name", a.vendor());
                g.writeEndObject();
            }
            g.writeStringField("name", (a.model() != null ? a.model() : "device") + " firmware");
            g.writeStringField("version", a.firmware());
            evidence(g, a, inv, "firmware");
            g.writeEndObject();
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    /**
     * {@code evidence.identity}: one entry per component field with the methods (protocol sources) that stated it.
     * CycloneDX's technique list has nothing for passive observation of a protocol, so the technique is "other"
     * and the value names the source, e.g. "modbus.mei in plant1.pcap".
     */
    private static void evidence(JsonGenerator g, Inventory.Asset a, Inventory inv, String... attributes) throws IOException {
        Map<String, List<Inventory.Attribute>> byField = new LinkedHashMap<>();
        for (String attr : attributes) {
            String field = attr.equals("firmware") ? "version" : "name";
            for (Inventory.Attribute at : a.attributes()) {
                if (at.name().equals(attr) || (attr.equals("vendor") && at.name().equals("macVendor"))) {
                    byField.computeIfAbsent(field, k -> new ArrayList<>()).add(at);
                }
            }
        }
        if (byField.isEmpty()) return;
        String captures = captureNames(inv);
        g.writeObjectFieldStart("evidence");
        g.writeArrayFieldStart("identity");
        for (Map.Entry<String, List<Inventory.Attribute>> e : byField.entrySet()) {
            double best = 0;
            for (Inventory.Attribute at : e.getValue()) best = Math.max(best, at.confidence());
            g.writeStartObject();
            g.writeStringField("field", e.getKey());
            g.writeNumberField("confidence", clamp(best));
            g.writeStringField("concludedValue", e.getKey().equals("version") ? a.firmware() : componentName(a));
            g.writeArrayFieldStart("methods");
            for (Inventory.Attribute at : e.getValue()) {
                g.writeStartObject();
                g.writeStringField("technique", "other");
                g.writeNumberField("confidence", clamp(at.confidence()));
                g.writeStringField("value", at.name() + "=" + at.value() + " from " + at.source() + (captures.isEmpty() ? "" : " in " + captures)
                        + " (" + Times.iso(at.firstSeen()) + ")");
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static String componentName(Inventory.Asset a) {
        return a.model() != null ? a.model() : a.name() != null ? a.name() : (a.deviceClass() == null ? "device" : a.deviceClass()) + " " + a.id();
    }

    private static double clamp(double c) {
        return Math.max(0, Math.min(1, c));
    }

    private static String captureNames(Inventory inv) {
        List<String> names = new ArrayList<>();
        for (Inventory.CaptureSummary c : inv.captures()) names.add(c.file());
        return String.join(", ", names);
    }

    private static String describe(Inventory.Asset a) {
        Set<String> protocols = new LinkedHashSet<>();
        for (Inventory.Service s : a.services()) protocols.add(s.protocol() + " " + s.role());
        return (a.deviceClass() == null ? "device" : a.deviceClass()) + " seen on the wire" + (protocols.isEmpty() ? "" : " as " + String.join(", ", protocols));
    }

    private static String best(Inventory.Asset a, String name) {
        Inventory.Attribute best = null;
        for (Inventory.Attribute at : a.attributes()) if (at.name().equals(name) && (best == null || at.confidence() > best.confidence())) best = at;
        return best == null ? null : best.value();
    }

    private static void property(JsonGenerator g, String name, String value) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", name);
        g.writeStringField("value", value);
        g.writeEndObject();
    }

    private static UUID serial(Inventory inv, String site) {
        StringBuilder b = new StringBuilder(String.valueOf(site));
        for (Inventory.CaptureSummary c : inv.captures()) b.append('|').append(c.sha256());
        for (Inventory.Asset a : inv.assets()) b.append('|').append(a.id()).append(a.firmware());
        return UUID.nameUUIDFromBytes(b.toString().getBytes(StandardCharsets.UTF_8));
    }
}
