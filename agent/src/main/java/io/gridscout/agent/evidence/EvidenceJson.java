package io.gridscout.agent.evidence;

import com.fasterxml.jackson.core.JsonGenerator;
import io.gridscout.agent.output.InventoryJson;
import io.gridscout.agent.output.Times;
import io.gridscout.mapping.controls.Control;
import io.gridscout.mapping.controls.ControlCatalog;
import io.gridscout.mapping.evidence.ControlVerdicts;
import io.gridscout.mapping.evidence.Finding;
import io.gridscout.mapping.evidence.Findings;
import io.gridscout.mapping.inventory.Inventory;
import io.gridscout.mapping.register.Reconciliation;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;

/**
 * findings.json, schema {@code gridscout.evidence/1}. Deterministic: no wall-clock time, every list in a stable
 * order, so the same captures, site and register give byte-identical output.
 */
public final class EvidenceJson {
    public static final String SCHEMA = "gridscout.evidence/1";

    private EvidenceJson() {}

    public static void write(EvidenceReport r, OutputStream out) throws IOException {
        try (JsonGenerator g = InventoryJson.generator(out)) {
            g.writeStartObject();
            g.writeStringField("schema", SCHEMA);
            InventoryJson.startGenerator(g, r.version());
            g.writeEndObject();
            g.writeStringField("standard", r.standard());
            g.writeObjectFieldStart("catalogs");
            for (Map.Entry<String, String> e : ControlCatalog.get().versions().entrySet()) g.writeStringField(e.getKey(), e.getValue());
            g.writeStringField("rules", r.rulesVersion());
            g.writeEndObject();
            g.writeStringField("site", r.site().name());
            g.writeArrayFieldStart("captures");
            for (Inventory.CaptureSummary c : r.inventory().captures()) InventoryJson.capture(g, c, false);
            g.writeEndArray();
            g.writeObjectFieldStart("window");
            g.writeStringField("start", Times.iso(r.windowStart()));
            g.writeStringField("end", Times.iso(r.windowEnd()));
            g.writeEndObject();
            g.writeObjectFieldStart("summary");
            g.writeNumberField("assets", r.inventory().assets().size());
            g.writeNumberField("communications", r.inventory().communications().size());
            InventoryJson.numbers(g, "findings", r.findingCounts());
            if (r.reconciliation() != null) InventoryJson.numbers(g, "reconciliation", r.reconciliation().counts());
            g.writeEndObject();
            g.writeObjectFieldStart("notEvaluated");
            for (Map.Entry<String, String> e : r.result().notEvaluated().entrySet()) g.writeStringField(e.getKey(), e.getValue());
            g.writeEndObject();
            InventoryJson.numbers(g, "findingsDropped", r.result().dropped());
            g.writeArrayFieldStart("findings");
            for (Finding f : r.result().findings()) finding(g, f, r.standard());
            g.writeEndArray();
            g.writeObjectFieldStart("legend");
            for (Map.Entry<String, String> e : ControlVerdicts.LEGEND.entrySet()) g.writeStringField(e.getKey(), e.getValue());
            g.writeEndObject();
            g.writeObjectFieldStart("coverage");
            for (Map.Entry<String, Findings.Coverage> e : new java.util.TreeMap<>(r.result().coverage()).entrySet()) {
                g.writeObjectFieldStart(e.getKey());
                g.writeNumberField("examined", e.getValue().examined());
                g.writeStringField("what", e.getValue().what());
                g.writeEndObject();
            }
            g.writeEndObject();
            g.writeArrayFieldStart("controls");
            for (Control c : ControlCatalog.get().controls(r.standard())) {
                ControlVerdicts.Verdict v = r.verdict(c.id());
                g.writeStartObject();
                g.writeStringField("id", c.id());
                g.writeStringField("ref", c.ref());
                g.writeStringField("theme", c.theme());
                g.writeStringField("title", c.title());
                g.writeBooleanField("verified", c.verified());
                g.writeStringField("assessment", v.state());
                g.writeStringField("state", v.state());
                g.writeStringField("reason", v.reason());
                g.writeStringField("coverage", v.coverage());
                InventoryJson.strings(g, "rules", r.rulesFor(c.id()));
                g.writeArrayFieldStart("restsOn");
                for (ControlVerdicts.Basis b : v.restsOn()) {
                    g.writeStartObject();
                    g.writeStringField("rule", b.ruleId());
                    g.writeBooleanField("evaluated", b.evaluated());
                    if (!b.evaluated()) g.writeStringField("notEvaluated", b.notEvaluatedReason());
                    g.writeNumberField("examined", b.examined());
                    g.writeStringField("examinedWhat", b.examinedWhat());
                    g.writeNumberField("nonconformities", b.nonconformities());
                    g.writeNumberField("observations", b.observations());
                    g.writeBooleanField("demonstrates", b.demonstrated());
                    g.writeStringField("cannotShow", b.cannotShow());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            if (r.reconciliation() != null) {
                g.writeArrayFieldStart("reconciliation");
                for (Reconciliation.Row row : r.reconciliation().rows()) {
                    g.writeStartObject();
                    g.writeStringField("status", row.status().word);
                    g.writeStringField("register", row.entry() == null ? null : row.entry().label());
                    if (row.entry() != null) g.writeNumberField("registerLine", row.entry().line());
                    g.writeStringField("asset", row.asset() == null ? null : row.asset().id());
                    g.writeStringField("matchedBy", row.matchedBy());
                    g.writeArrayFieldStart("differences");
                    for (Reconciliation.Diff d : row.diffs()) {
                        g.writeStartObject();
                        g.writeStringField("field", d.field());
                        g.writeStringField("declared", d.declared());
                        g.writeStringField("observed", d.observed());
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndObject();
            g.writeRaw('\n');
        }
    }

    /** One finding as in findings.json ({@code controls}: the ids of {@code standard}); also an /api/v1/findings item and the value of a fleet findings record. */
    public static void finding(JsonGenerator g, Finding f, String standard) throws IOException {
        g.writeStartObject();
        g.writeStringField("rule", f.ruleId());
        g.writeStringField("title", f.title());
        g.writeStringField("severity", f.severity());
        g.writeStringField("status", f.status().word);
        g.writeStringField("scope", f.scope());
        g.writeStringField("summary", f.summary());
        g.writeStringField("basis", f.basis());
        InventoryJson.strings(g, "controls", f.controls().getOrDefault(standard, List.of()));
        g.writeObjectFieldStart("controlsByStandard");
        for (String std : ControlCatalog.STANDARDS) InventoryJson.strings(g, std, f.controls().getOrDefault(std, List.of()));
        g.writeEndObject();
        InventoryJson.strings(g, "assets", f.assets());
        InventoryJson.strings(g, "communications", f.communications());
        g.writeStringField("firstSeen", Times.iso(f.firstSeen()));
        g.writeStringField("lastSeen", Times.iso(f.lastSeen()));
        g.writeArrayFieldStart("evidencePacketTimes");
        for (long t : f.evidenceTimes()) g.writeString(Times.iso(t));
        g.writeEndArray();
        g.writeEndObject();
    }
}
