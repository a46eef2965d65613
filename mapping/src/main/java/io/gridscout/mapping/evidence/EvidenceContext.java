package io.gridscout.mapping.evidence;

import io.gridscout.mapping.inventory.Inventory;
import io.gridscout.mapping.register.Reconciliation;
import io.gridscout.mapping.site.SiteContext;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What the rules read: the inventory, the declared site (never null), the reconciliation (null without register). */
public final class EvidenceContext {
    /** Protocols whose decoders identify industrial traffic; all run without transport security as decoded. */
    public static final Set<String> INDUSTRIAL = Set.of("modbus", "dnp3", "iec104", "mms", "s7comm", "enip", "bacnet",
            "synphasor", "opcua", "goose", "sv");
    /** Server roles that mark a controller or field device (PLC, RTU, IED...). */
    private static final Set<String> FIELD_ROLES = Set.of("modbus/server", "dnp3/outstation", "iec104/server", "mms/server",
            "s7comm/server", "enip/server", "goose/publisher", "sv/publisher", "synphasor/pmu");
    private static final Set<String> FIELD_CLASSES = Set.of("plc", "rtu", "ied");

    public final Inventory inventory;
    public final SiteContext site;
    public final Reconciliation reconciliation;
    private final Map<String, Inventory.Asset> byId = new HashMap<>();

    public final EvidenceEngine.Settings settings;

    public EvidenceContext(Inventory inventory, SiteContext site, Reconciliation reconciliation) {
        this(inventory, site, reconciliation, EvidenceEngine.Settings.DEFAULT);
    }

    public EvidenceContext(Inventory inventory, SiteContext site, Reconciliation reconciliation, EvidenceEngine.Settings settings) {
        this.settings = settings == null ? EvidenceEngine.Settings.DEFAULT : settings;
        this.inventory = inventory;
        this.site = site == null ? SiteContext.empty() : site;
        this.reconciliation = reconciliation;
        for (Inventory.Asset a : inventory.assets()) byId.put(a.id(), a);
    }

    public Inventory.Asset asset(String id) {
        return byId.get(id);
    }

    /** Addresses of an asset id (the id itself when it is an address of an unknown asset). */
    public List<String> ips(String assetId) {
        Inventory.Asset a = byId.get(assetId);
        if (a != null && !a.ips().isEmpty()) return a.ips();
        return List.of(assetId);
    }

    public boolean anyIn(List<io.gridscout.mapping.site.Cidr> list, String assetId) {
        for (String ip : ips(assetId)) if (SiteContext.in(list, ip)) return true;
        return false;
    }

    /**
     * The declared (or synthetic external) zone of an asset, null if none. Without declared zones every address is
     * undeclared (null), public ones included: a plant numbered from public space is not "the internet", so no
     * external-address finding is raised without a site file's zones.
     */
    public SiteContext.Zone zone(String assetId) {
        if (!site.hasZones()) return null;
        for (String ip : ips(assetId)) {
            SiteContext.Zone z = site.zoneOf(ip);
            if (z != null) return z;
        }
        return null;
    }

    /** A controller or field device: it serves an industrial protocol as an outstation/server, or is classed so. */
    public boolean isFieldDevice(String assetId) {
        Inventory.Asset a = byId.get(assetId);
        if (a == null) return false;
        if (FIELD_CLASSES.contains(a.deviceClass())) return true;
        for (Inventory.Service s : a.services()) if (FIELD_ROLES.contains(s.protocol() + "/" + s.role())) return true;
        return false;
    }

    public List<Inventory.Communication> comms(String protocol) {
        List<Inventory.Communication> out = new ArrayList<>();
        for (Inventory.Communication c : inventory.communications()) if (c.protocol().equals(protocol)) out.add(c);
        return out;
    }

    public static String label(Inventory.Communication c) {
        return c.client() + " -> " + c.server() + " " + c.protocol() + "/" + c.transport() + (c.port() > 0 ? ":" + c.port() : "");
    }

    public static boolean hasDetail(Inventory.Service s, String name, String value) {
        for (Object v : s.details().getOrDefault(name, List.of())) if (String.valueOf(v).equals(value)) return true;
        return false;
    }
}
