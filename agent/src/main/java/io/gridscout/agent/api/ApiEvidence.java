package io.gridscout.agent.api;

import com.fasterxml.jackson.core.JsonGenerator;
import io.gridscout.agent.daemon.AgentEngine;
import io.gridscout.agent.evidence.EvidenceJson;
import io.gridscout.agent.output.InventoryJson;
import io.gridscout.mapping.controls.ControlCatalog;
import io.gridscout.mapping.evidence.EvidenceEngine;
import io.gridscout.mapping.evidence.Finding;
import io.gridscout.mapping.evidence.RuleCatalog;
import io.gridscout.mapping.evidence.RuleInfo;
import io.gridscout.mapping.evidence.Status;
import io.gridscout.mapping.inventory.Inventory;
import io.gridscout.mapping.site.SiteContext;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The API's evidence views: {@code /api/v1/findings} (the engine's findings on the current snapshot, items as in
 * findings.json) and zones (the site's CIDR → zone name) as a filter and as an extra "zone" field on assets.
 */
final class ApiEvidence {
    static final Set<String> SEVERITIES = Set.of("info", "low", "medium", "high", "critical");

    private ApiEvidence() {}

    /** GET /api/v1/findings?rule=&control=&status=&severity=&since=&standard=&limit=&offset= */
    static ApiRoutes.Response findings(AgentEngine engine, Map<String, String> p) throws ApiRoutes.BadRequest {
        ApiRoutes.allow(p, "rule", "control", "status", "severity", "since", "standard", "limit", "offset");
        String rule = p.get("rule"), control = p.get("control"), severity = p.get("severity");
        if (rule != null && RuleCatalog.get().rules().stream().noneMatch(r -> r.id().equals(rule))) {
            throw new ApiRoutes.BadRequest("unknown rule: " + rule + " (see gridscout controls)");
        }
        if (control != null && !knownControl(control)) throw new ApiRoutes.BadRequest("unknown control id: " + control);
        Status status = null;
        if (p.containsKey("status")) {
            for (Status s : Status.values()) if (s.word.equals(p.get("status"))) status = s;
            if (status == null) throw new ApiRoutes.BadRequest("status must be nonconformity, observation or evidence-of-conformity");
        }
        if (severity != null && !SEVERITIES.contains(severity)) throw new ApiRoutes.BadRequest("severity must be one of " + new TreeSet<>(SEVERITIES));
        String standard;
        try {
            standard = ControlCatalog.normaliseStandard(p.get("standard"));
        } catch (IllegalArgumentException e) {
            throw new ApiRoutes.BadRequest(e.getMessage());
        }
        long since = ApiRoutes.since(p);
        int limit = ApiRoutes.limit(p);
        long offset = ApiRoutes.offset(p);
        EvidenceEngine.Result result = engine.findings();
        List<Finding> match = new ArrayList<>();
        for (Finding f : result.findings()) {
            if (rule != null && !rule.equals(f.ruleId())) continue;
            if (control != null && f.controls().values().stream().noneMatch(ids -> ids.contains(control))) continue;
            if (status != null && f.status() != status) continue;
            if (severity != null && !severity.equals(f.severity())) continue;
            if (f.lastSeen() < since) continue;
            match.add(f);
        }
        String std = standard;
        return ApiRoutes.json(g -> {
            g.writeStartObject();
            g.writeStringField("standard", std);
            g.writeStringField("rules", RuleCatalog.get().version());
            g.writeStringField("site", engine.site().name());
            g.writeNumberField("total", match.size());
            g.writeNumberField("limit", limit);
            g.writeNumberField("offset", offset);
            g.writeObjectFieldStart("notEvaluated");
            for (Map.Entry<String, String> e : result.notEvaluated().entrySet()) g.writeStringField(e.getKey(), e.getValue());
            g.writeEndObject();
            InventoryJson.numbers(g, "findingsDropped", result.dropped());
            g.writeArrayFieldStart("findings");
            for (long i = offset; i < match.size() && i < offset + limit; i++) EvidenceJson.finding(g, match.get((int) i), std);
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private static boolean knownControl(String id) {
        for (String std : ControlCatalog.STANDARDS) if (ControlCatalog.get().control(std, id) != null) return true;
        for (RuleInfo r : RuleCatalog.get().rules()) for (String std : ControlCatalog.STANDARDS) if (r.controlIds(std).contains(id)) return true;
        return false;
    }

    /** The {@code zone} parameter: a declared zone name or "external"; null when absent. */
    static String zoneParam(AgentEngine engine, Map<String, String> p) throws ApiRoutes.BadRequest {
        String z = p.get("zone");
        if (z == null) return null;
        SiteContext site = engine.site();
        if (!site.knowsZone(z)) {
            List<String> names = new ArrayList<>();
            for (SiteContext.Zone x : site.zones()) names.add(x.name());
            names.add(SiteContext.EXTERNAL);
            throw new ApiRoutes.BadRequest("unknown zone: " + z + " (zones of the site: " + String.join(", ", names) + ")");
        }
        return z;
    }

    static boolean inZone(AgentEngine engine, Inventory.Asset a, String zone) {
        return engine.site().inZone(a.ips(), zone);
    }

    /** Communications with either end in {@code zone}; an end that is no asset counts by its own address. */
    static java.util.function.Predicate<Inventory.Communication> commsInZone(AgentEngine engine, Inventory inv, String zone) {
        Map<String, List<String>> ips = new java.util.HashMap<>();
        for (Inventory.Asset a : inv.assets()) if (!a.ips().isEmpty()) ips.put(a.id(), a.ips());
        SiteContext site = engine.site();
        return c -> site.inZone(ips.getOrDefault(c.client(), List.of(c.client())), zone)
                || site.inZone(ips.getOrDefault(c.server(), List.of(c.server())), zone);
    }

    /** An asset as in the inventory JSON, plus "zone" (its zone name, or null) when the site declares zones. */
    static void asset(AgentEngine engine, JsonGenerator g, Inventory.Asset a) throws IOException {
        g.writeStartObject();
        InventoryJson.assetFields(g, a);
        SiteContext site = engine.site();
        if (site.hasZones()) {
            SiteContext.Zone z = site.zoneOfAny(a.ips());
            g.writeStringField("zone", z == null ? null : z.name());
        }
        g.writeEndObject();
    }
}
