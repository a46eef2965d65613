package io.gridscout.agent.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import io.gridscout.agent.export.InventoryJsonReader;
import io.gridscout.mapping.inventory.Inventory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns what the hub holds back into an {@link Inventory}, so the 27019 evidence pack and the register reconciliation
 * run over one site or the whole fleet exactly as they run over a capture. For one site the asset ids are the
 * agent's own; for the fleet they are prefixed {@code site/} (ids are only unique within a site), and so are the
 * communications' client and server. Captures come from each site's last "snapshot" event (a live agent sends none:
 * its site then contributes no capture).
 */
public final class FleetEvidence {
    private FleetEvidence() {}

    public static Inventory inventory(FleetStore store, String site) {
        boolean prefix = site == null;
        List<Inventory.Asset> assets = new ArrayList<>();
        for (FleetStore.Item i : store.items(FleetStore.Kind.ASSET, site)) {
            Inventory.Asset a = InventoryJsonReader.asset(i.json());
            if (prefix) a = new Inventory.Asset(i.site() + "/" + a.id(), a.macs(), a.ips(), a.vendor(), a.model(), a.firmware(), a.serial(),
                    a.name(), a.deviceClass(), a.classConfidence(), a.classRules(), a.services(), a.attributes(), a.firstSeen(), a.lastSeen());
            assets.add(a);
        }
        List<Inventory.Communication> comms = new ArrayList<>();
        for (FleetStore.Item i : store.items(FleetStore.Kind.COMMUNICATION, site)) {
            Inventory.Communication c = communication(i.json());
            if (prefix) c = new Inventory.Communication(i.site() + "/" + c.client(), i.site() + "/" + c.server(), c.protocol(), c.transport(),
                    c.port(), c.packets(), c.bytes(), c.operations(), c.details(), c.firstSeen(), c.lastSeen());
            comms.add(c);
        }
        List<Inventory.CaptureSummary> captures = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : store.lastSnapshots().entrySet()) {
            if (site != null && !site.equals(e.getKey())) continue;
            for (JsonNode c : e.getValue().path("captures")) {
                captures.add(new Inventory.CaptureSummary(c.path("file").asText(), text(c, "sha256"), c.path("packets").asLong(),
                        time(c, "start", Long.MAX_VALUE), time(c, "end", Long.MIN_VALUE), List.of()));
            }
        }
        return new Inventory(captures, assets, comms, Map.of());
    }

    /** One communication object of the inventory contract (the value of a fleet communications record). */
    static Inventory.Communication communication(JsonNode c) {
        List<Inventory.Operation> ops = new ArrayList<>();
        for (JsonNode o : c.path("operations")) ops.add(new Inventory.Operation(o.path("code").asInt(), text(o, "name"), o.path("count").asLong(), text(o, "kind")));
        List<Inventory.Detail> det = new ArrayList<>();
        for (JsonNode d : c.path("details")) det.add(new Inventory.Detail(text(d, "name"), text(d, "value"), d.path("count").asLong()));
        return new Inventory.Communication(text(c, "client"), text(c, "server"), text(c, "protocol"), text(c, "transport"),
                c.path("port").asInt(0), c.path("packets").asLong(), c.path("bytes").asLong(), ops, det,
                time(c, "firstSeen", Long.MAX_VALUE), time(c, "lastSeen", Long.MIN_VALUE));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static long time(JsonNode n, String field, long absent) {
        String s = text(n, field);
        if (s == null) return absent;
        try {
            Instant i = Instant.parse(s);
            return i.getEpochSecond() * 1_000_000_000L + i.getNano();
        } catch (java.time.DateTimeException e) {
            return absent;
        }
    }
}
