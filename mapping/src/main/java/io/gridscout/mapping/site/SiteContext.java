package io.gridscout.mapping.site;

import io.gridscout.protocols.fact.IpAddr;

import java.util.List;
import java.util.Set;

/**
 * What the operator declares about the site (all optional): zones, hosts allowed to write/program, approved jump
 * hosts and interconnection points, approved flows, and the register file. Built by the agent from site.yaml;
 * plain data so the rules stay free of I/O.
 */
public record SiteContext(String name, List<Zone> zones, List<Cidr> writers, List<Cidr> jumpHosts,
                          List<Cidr> interconnections, List<Cidr> timeSources, List<FlowRule> flows, String register,
                          List<Cidr> monitoring, List<Cidr> interControlCentre) {
    /** Zone kinds of the process side: remote access and cleartext crossing into these matter most. */
    public static final Set<String> CONTROL_KINDS = Set.of("control-centre", "substation", "field", "plant");
    public static final Set<String> KINDS = Set.of("control-centre", "substation", "field", "plant", "corporate-it", "dmz", "external");
    public static final String EXTERNAL = "external";

    public SiteContext {
        zones = List.copyOf(zones);
        writers = List.copyOf(writers);
        jumpHosts = List.copyOf(jumpHosts);
        interconnections = List.copyOf(interconnections);
        timeSources = List.copyOf(timeSources);
        flows = List.copyOf(flows);
        monitoring = monitoring == null ? List.of() : List.copyOf(monitoring);
        interControlCentre = interControlCentre == null ? List.of() : List.copyOf(interControlCentre);
    }

    /**
     * Without the monitoring collectors ({@code monitoring:} syslog/SIEM collectors, IDS sensors) and the
     * control-centre ends of inter-control-centre links ({@code interControlCentre:}).
     */
    public SiteContext(String name, List<Zone> zones, List<Cidr> writers, List<Cidr> jumpHosts, List<Cidr> interconnections,
                       List<Cidr> timeSources, List<FlowRule> flows, String register) {
        this(name, zones, writers, jumpHosts, interconnections, timeSources, flows, register, List.of(), List.of());
    }

    public static SiteContext empty() {
        return new SiteContext(null, List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), null);
    }

    public boolean hasZones() {
        return !zones.isEmpty();
    }

    public record Zone(String name, String kind, List<Cidr> cidrs) {
        public Zone {
            if (!KINDS.contains(kind)) throw new IllegalArgumentException("zone " + name + ": unknown kind '" + kind + "' (one of " + new java.util.TreeSet<>(KINDS) + ")");
            cidrs = List.copyOf(cidrs);
        }

        public boolean isControl() {
            return CONTROL_KINDS.contains(kind);
        }
    }

    /**
     * An approved flow: from/to are a zone name, a CIDR or "*"; protocol "*" or a name (modbus, tcp, ...);
     * port 0 = any.
     */
    public record FlowRule(String from, String to, String protocol, int port) {}

    /** The zone of an address by longest prefix; unzoned public addresses fall in a synthetic external zone. */
    public Zone zoneOf(String ip) {
        IpAddr a = Cidr.parseOrNull(ip);
        if (a == null) return null;
        Zone best = null;
        int bestBits = -1;
        for (Zone z : zones) {
            for (Cidr c : z.cidrs()) {
                if (c.contains(a) && c.specificity() > bestBits) {
                    best = z;
                    bestBits = c.specificity();
                }
            }
        }
        if (best == null && isPublic(a)) return new Zone(EXTERNAL, EXTERNAL, List.of());
        return best;
    }

    public static boolean in(List<Cidr> list, String ip) {
        IpAddr a = Cidr.parseOrNull(ip);
        if (a == null) return false;
        for (Cidr c : list) if (c.contains(a)) return true;
        return false;
    }

    /** Globally routable unicast: not private, loopback, link-local, CGNAT, multicast, broadcast or ULA. */
    public static boolean isPublic(IpAddr a) {
        if (a.isMulticastOrBroadcast()) return false;
        if (a.isV4()) {
            int v = a.v4Value();
            int b0 = (v >>> 24) & 0xFF, b1 = (v >>> 16) & 0xFF;
            if (b0 == 10 || b0 == 127 || b0 == 0 || b0 >= 224) return false;
            if (b0 == 172 && b1 >= 16 && b1 < 32) return false;
            if (b0 == 192 && b1 == 168) return false;
            if (b0 == 169 && b1 == 254) return false;
            if (b0 == 100 && b1 >= 64 && b1 < 128) return false;
            return true;
        }
        long top = a.hi() >>> 48;
        if (a.hi() == 0) return false;                 // ::, ::1, v4-mapped
        if ((top & 0xFE00) == 0xFC00) return false;    // ULA
        if ((top & 0xFFC0) == 0xFE80) return false;    // link-local
        return (top & 0xE000) == 0x2000;               // global unicast 2000::/3
    }

    /** The zone of the first of {@code ips} that has one (as {@link #zoneOf(String)}), null if none. */
    public Zone zoneOfAny(List<String> ips) {
        for (String ip : ips) {
            Zone z = zoneOf(ip);
            if (z != null) return z;
        }
        return null;
    }

    /** Whether any of {@code ips} lies in the zone named {@code name} (the synthetic "external" zone included). */
    public boolean inZone(List<String> ips, String name) {
        for (String ip : ips) {
            Zone z = zoneOf(ip);
            if (z != null && z.name().equals(name)) return true;
        }
        return false;
    }

    /** A declared zone's name, or "external". */
    public boolean knowsZone(String name) {
        if (EXTERNAL.equals(name)) return true;
        for (Zone z : zones) if (z.name().equals(name)) return true;
        return false;
    }
}
