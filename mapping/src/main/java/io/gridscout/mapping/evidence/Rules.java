package io.gridscout.mapping.evidence;

import io.gridscout.mapping.inventory.Inventory;
import io.gridscout.mapping.register.Reconciliation;
import io.gridscout.mapping.site.SiteContext;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The evidence rules, one small class each; ids, titles and control mappings are in rules.txt. */
public final class Rules {
    private Rules() {}

    public static List<Rule> all() {
        return List.of(new Unregistered(), new NotObserved(), new Mismatch(), new Legacy(), new UnauthorisedWrites(),
                new ProgramAndStop(), new OpcUaSecurity(), new TelecontrolSecurity(), new CleartextCrossing(),
                new UndocumentedFlows(), new RemoteAccess(), new CleartextCredentials(), new TimeSync(),
                new UnneededServices(), new MonitoringOperated());
    }

    static final String PORT_BASIS = "server port only (no decoder for this protocol yet): the service is inferred, not identified";

    /** ER-01: seen on the wire, absent from the register. */
    static final class Unregistered implements Rule {
        public String id() { return "ER-01"; }

        public String evaluate(EvidenceContext ctx, Findings out) {
            if (ctx.reconciliation == null) return "needs a declared register (--register)";
            int registered = 0;
            for (Reconciliation.Row r : ctx.reconciliation.rows()) {
                if (r.status() == Reconciliation.Status.UNREGISTERED) {
                    out.add(id(), Status.NONCONFORMITY, "Device " + r.asset().id() + " is not in the register",
                            "observed on the wire; no register entry matches its MAC, serial, IP or name", List.of(r.asset()), List.of());
                } else if (r.asset() != null) registered++;
            }
            if (registered > 0 && ctx.reconciliation.counts().get("unregistered") == 0) {
                List<Inventory.Asset> all = ctx.inventory.assets();
                out.add(id(), Status.EVIDENCE_OF_CONFORMITY, "All " + all.size() + " observed devices are in the register",
                        "every observed asset matched a register entry", all, List.of());
            }
            return null;
        }
    }

    /** ER-02: declared, not seen although its segment was observed. */
    static final class NotObserved implements Rule {
        public String id() { return "ER-02"; }

        public String evaluate(EvidenceContext ctx, Findings out) {
            if (ctx.reconciliation == null) return "needs a declared register (--register)";
            for (Reconciliation.Row r : ctx.reconciliation.rows()) {
                if (r.status() == Reconciliation.Status.NOT_OBSERVED) {
                    out.add(id(), Status.OBSERVATION, "Registered device " + r.entry().label() + " was not observed",
                            "its segment was observed but the device sent nothing in the window; it may be off, idle or gone",
                            List.of(), List.of());
                }
            }
            return null;
        }
    }

    /** ER-03: identity on the wire contradicts the register. */
    static final class Mismatch implements Rule {
        public String id() { return "ER-03"; }

        public String evaluate(EvidenceContext ctx, Findings out) {
            if (ctx.reconciliation == null) return "needs a declared register (--register)";
            for (Reconciliation.Row r : ctx.reconciliation.rows()) {
                if (r.status() != Reconciliation.Status.MISMATCH) continue;
                StringBuilder b = new StringBuilder();
                for (Reconciliation.Diff d : r.diffs()) {
                    if (b.length() > 0) b.append("; ");
                    b.append(d.field()).append(" declared '").append(d.declared()).append("' observed '").append(d.observed()).append('\'');
                }
                out.add(id(), Status.NONCONFORMITY, "Register entry " + r.entry().label() + " differs from the device: " + b,
                        "matched by " + r.matchedBy() + "; observed values are what the device stated on the wire", List.of(r.asset()), List.of());
            }
            return null;
        }
    }

    /** ER-05: deprecated OPC UA policies; SMB/NetBIOS served by a controller. */
    static final class Legacy implements Rule {
        private static final Set<String> DEPRECATED = Set.of("Basic128Rsa15", "Basic256");

        public String id() { return "ER-05"; }

        public String evaluate(EvidenceContext ctx, Findings out) {
            for (Inventory.Asset a : ctx.inventory.assets()) {
                for (Inventory.Service s : a.services()) {
                    if (s.protocol().equals("opcua") && s.role().equals("server")) {
                        List<String> old = new ArrayList<>();
                        for (Object p : s.details().getOrDefault("securityPolicies", List.of())) {
                            String v = String.valueOf(p);
                            String name = v.substring(v.lastIndexOf('#') + 1);
                            if (DEPRECATED.contains(name)) old.add(name);
                        }
                        if (!old.isEmpty()) out.add(id(), Status.OBSERVATION, "OPC UA server " + a.id() + " uses deprecated security policy " + String.join(", ", old),
                                "security policy URI in the OpenSecureChannel header", List.of(a), serverComms(ctx, a, "opcua"));
                    }
                    if ((s.protocol().equals("tcp")) && (s.port() == 445 || s.port() == 139) && ctx.isFieldDevice(a.id())) {
                        out.add(id(), Status.OBSERVATION, "Controller " + a.id() + " serves SMB/NetBIOS (tcp/" + s.port() + ")",
                                PORT_BASIS + "; the SMB dialect (v1 or later) is not decoded", List.of(a), serverComms(ctx, a, "tcp", s.port()));
                    }
                }
            }
            return null;
        }
    }

    /** ER-06: write/control/program from a host the site does not allow. */
    static final class UnauthorisedWrites implements Rule {
        public String id() { return "ER-06"; }

        public String evaluate(EvidenceContext ctx, Findings out) {
            Map<String, List<Inventory.Communication>> byClient = new LinkedHashMap<>();
            for (Inventory.Communication c : ctx.inventory.communications()) {
                if (hasKind(c, "write", "control", "program")) byClient.computeIfAbsent(c.client(), k -> new ArrayList<>()).add(c);
            }
            if (byClient.isEmpty()) return null;
            if (ctx.site.writers().isEmpty()) {
                for (var e : byClient.entrySet()) {
                    out.add(id(), Status.OBSERVATION, "low", "Host " + e.getKey() + " sent write/control commands; no allow list is declared",
                            "operation kinds decoded from the industrial protocol; declare writers in site.yaml to judge them", List.of(), e.getValue());
                }
                return null;
            }
            for (var e : byClient.entrySet()) {
                if (ctx.anyIn(ctx.site.writers(), e.getKey())) {
                    out.add(id(), Status.EVIDENCE_OF_CONFORMITY, "info", "Write/control commands from " + e.getKey() + " come from an allowed host",
                            "client address is in the declared writers list", List.of(), e.getValue());
                } else {
                    out.add(id(), Status.NONCONFORMITY, "Host " + e.getKey() + " sent write/control commands but is not an allowed writer",
                            "operation kinds decoded from the industrial protocol; client not in the declared writers", List.of(), e.getValue());
                }
            }
            return null;
        }
    }

    /** ER-07: program/firmware transfer and controller state changes. */
    static final class ProgramAndStop implements Rule {
        private static final Set<String> STATE = Set.of("STOP", "START", "STOP_APPL", "START_APPL", "COLD_RESTART", "WARM_RESTART",
                "REINITIALIZE_DEVICE", "RESET", "INITIALIZE_APPL", "PLC_STOP", "PI_SERVICE");

        public String id() { return "ER-07"; }

        public String evaluate(EvidenceContext ctx, Findings out) {
            for (Inventory.Communication c : ctx.inventory.communications()) {
                List<String> ops = new ArrayList<>();
                for (Inventory.Operation o : c.operations()) {
                    if (o.kind().equals("program") || STATE.contains(o.name())) ops.add(o.name() + " x" + o.count());
                }
                if (ops.isEmpty()) continue;
                boolean allowed = !ctx.site.writers().isEmpty() && ctx.anyIn(ctx.site.writers(), c.client());
                Status st = !ctx.site.writers().isEmpty() && !allowed ? Status.NONCONFORMITY : Status.OBSERVATION;
                out.add(id(), st, "Program/state change " + c.client() + " -> " + c.server() + " (" + c.protocol() + "): " + String.join(", ", ops),
                        "function codes decoded from the protocol" + (allowed ? "; client is an allowed engineering host: match to a change record"
                                : ctx.site.writers().isEmpty() ? "; no allowed engineering hosts declared" : "; client is not an allowed engineering host"),
                        List.of(), List.of(c));
            }
            return null;
        }
    }

    /** ER-08: OPC UA without message security or with anonymous/cleartext user identity. */
    static final class OpcUaSecurity implements Rule {
        public String id() { return "ER-08"; }

        public String evaluate(EvidenceContext ctx, Findings out) {
            for (Inventory.Asset a : ctx.inventory.assets()) {
                for (Inventory.Service s : a.services()) {
                    if (!s.protocol().equals("opcua") || !s.role().equals("server")) continue;
                    List<String> issues = new ArrayList<>();
                    boolean policyNone = false;
                    for (Object p : s.details().getOrDefault("securityPolicies", List.of())) if (String.valueOf(p).endsWith("#None")) policyNone = true;
                    boolean modeNone = EvidenceContext.hasDetail(s, "securityModes", "None");
                    if (policyNone) issues.add("security policy None in use");
                    if (modeNone && !policyNone) issues.add("message security mode None");
                    if (EvidenceContext.hasDetail(s, "userTokenTypesUsed", "anonymous")) issues.add("anonymous sessions activated");
                    if (EvidenceContext.hasDetail(s, "userTokenTypesUsed", "username") && (policyNone || modeNone)) issues.add("user name token over an unsecured channel");
                    for (Object e : s.details().getOrDefault("offeredEndpoints", List.of())) {
                        if (String.valueOf(e).startsWith("None")) {
                            issues.add("endpoint without security offered");
                            break;
                        }
                    }
                    List<Inventory.Communication> comms = serverComms(ctx, a, "opcua");
                    if (!issues.isEmpty()) {
                        out.add(id(), Status.NONCONFORMITY, "OPC UA server " + a.id() + ": " + String.join("; ", issues),
                                "security policy and mode from OpenSecureChannel / GetEndpoints, token types from ActivateSession (decoded)", List.of(a), comms);
                    } else if (EvidenceContext.hasDetail(s, "securityModes", "SignAndEncrypt") || comms.stream().anyMatch(c -> c.details().stream().anyMatch(d -> d.name().equals("encrypted")))) {
                        out.add(id(), Status.EVIDENCE_OF_CONFORMITY, "info", "OPC UA server " + a.id() + " used signed and encrypted channels only",
                                "no policy None, mode None or anonymous token observed in the window", List.of(a), comms);
                    }
                }
            }
            return null;
        }
    }

    /** ER-09: telecontrol protocols without their security extension. */
    static final class TelecontrolSecurity implements Rule {
        public String id() { return "ER-09"; }

        public String evaluate(EvidenceContext ctx, Findings out) {
            for (Inventory.Asset a : ctx.inventory.assets()) {
                for (Inventory.Service s : a.services()) {
                    String role = s.protocol() + "/" + s.role();
                    switch (role) {
                        case "dnp3/outstation" -> {
                            List<Inventory.Communication> comms = serverComms(ctx, a, "dnp3");
                            if (EvidenceContext.hasDetail(s, "secureAuthentication", "true")) {
                                out.add(id(), Status.EVIDENCE_OF_CONFORMITY, "info", "DNP3 outstation " + a.id() + " uses Secure Authentication",
                                        "group 120 / authentication function codes decoded", List.of(a), comms);
                            } else {
                                out.add(id(), Status.OBSERVATION, "DNP3 outstation " + a.id() + " runs without Secure Authentication",
                                        "DNP3 decoded in cleartext and no group 120 objects or authentication function codes seen", List.of(a), comms);
                            }
                        }
                        case "iec104/server" -> out.add(id(), Status.OBSERVATION, "IEC 60870-5-104 station " + a.id() + " runs without IEC 62351 protection",
                                "APDUs decoded in cleartext (no TLS)", List.of(a), serverComms(ctx, a, "iec104"));
                        case "mms/server" -> out.add(id(), Status.OBSERVATION, "IEC 61850 MMS server " + a.id() + " runs without IEC 62351 protection",
                                "MMS decoded in cleartext (no TLS)", List.of(a), serverComms(ctx, a, "mms"));
                        case "goose/publisher", "sv/publisher" -> out.add(id(), Status.OBSERVATION,
                                s.protocol().toUpperCase(java.util.Locale.ROOT) + " publisher " + a.id() + " sends messages whose IEC 62351-6 protection is not verified",
                                "messages decoded; a security extension, if present, is not checked by this version", List.of(a), List.of());
                        default -> { }
                    }
                }
            }
            return null;
        }
    }

    /** ER-10: cleartext industrial traffic between zones or to/from external addresses. */
    static final class CleartextCrossing implements Rule {
        public String id() { return "ER-10"; }

        public String evaluate(EvidenceContext ctx, Findings out) {
            int checked = 0;
            for (Inventory.Communication c : ctx.inventory.communications()) {
                if (!EvidenceContext.INDUSTRIAL.contains(c.protocol()) || encrypted(c)) continue;
                SiteContext.Zone zc = ctx.zone(c.client()), zs = ctx.zone(c.server());
                boolean ec = zc != null && zc.kind().equals(SiteContext.EXTERNAL), es = zs != null && zs.kind().equals(SiteContext.EXTERNAL);
                // without declared zones, two public ends are most likely a plant numbered from public space, not the internet
                boolean external = ctx.site.hasZones() ? ec || es : ec != es;
                checked++;
                if (external && (ctx.anyIn(ctx.site.interconnections(), c.client()) || ctx.anyIn(ctx.site.interconnections(), c.server()))) {
                    out.add(id(), Status.OBSERVATION, "Cleartext " + c.protocol() + " between " + c.client() + " and " + c.server()
                                    + " through a declared interconnection point",
                            "interconnection point from site.yaml; the link itself carries no protocol security", List.of(), List.of(c));
                } else if (external) {
                    out.add(id(), Status.NONCONFORMITY, "Cleartext " + c.protocol() + " between " + c.client() + " and " + c.server() + " (external address)",
                            "addresses outside the declared zones and globally routable", List.of(), List.of(c));
                } else if (zc != null && zs != null && !zc.name().equals(zs.name()) && !approved(ctx.site, c, zc, zs)) {
                    out.add(id(), Status.NONCONFORMITY, "Cleartext " + c.protocol() + " crosses from zone " + zc.name() + " to zone " + zs.name(),
                            "zones from site.yaml; no approved flow covers it", List.of(), List.of(c));
                }
            }
            if (checked > 0 && ctx.site.hasZones()) {
                // positive evidence only when zones were declared and every flow stayed inside a known zone
                boolean none = true;
                for (Inventory.Communication c : ctx.inventory.communications()) {
                    if (!EvidenceContext.INDUSTRIAL.contains(c.protocol()) || encrypted(c)) continue;
                    SiteContext.Zone zc = ctx.zone(c.client()), zs = ctx.zone(c.server());
                    if (zc == null || zs == null || !zc.name().equals(zs.name())) none = false;
                }
                if (none) out.add(id(), Status.EVIDENCE_OF_CONFORMITY, "info", "All " + checked + " cleartext industrial flows stay inside their zone",
                        "zones from site.yaml", List.of(), List.of());
            }
            return null;
        }

        static boolean approved(SiteContext site, Inventory.Communication c, SiteContext.Zone zc, SiteContext.Zone zs) {
            for (SiteContext.FlowRule f : site.flows()) {
                if (matchEnd(f.from(), zc) && matchEnd(f.to(), zs) && (f.protocol().equals("*") || f.protocol().equals(c.protocol()))
                        && (f.port() == 0 || f.port() == c.port())) return true;
            }
            return false;
        }

        private static boolean matchEnd(String spec, SiteContext.Zone z) {
            return spec.equals("*") || z.name().equals(spec);
        }
    }

    /** ER-11: a flow the declared flow list does not approve. */
    static final class UndocumentedFlows implements Rule {
        public String id() { return "ER-11"; }

        public String evaluate(EvidenceContext ctx, Findings out) {
            if (ctx.site.flows().isEmpty()) return "needs approved flows in site.yaml (flows:)";
            int ok = 0;
            List<Inventory.Communication> undocumented = new ArrayList<>();
            for (Inventory.Communication c : ctx.inventory.communications()) {
                if (approved(ctx, c)) ok++;
                else undocumented.add(c);
            }
            for (Inventory.Communication c : undocumented) {
                out.add(id(), Status.OBSERVATION, "Undocumented flow " + EvidenceContext.label(c), "no entry in the approved flows of site.yaml matches",
                        List.of(), List.of(c));
            }
            if (undocumented.isEmpty() && ok > 0) out.add(id(), Status.EVIDENCE_OF_CONFORMITY, "info", "All " + ok + " observed flows are documented",
                    "every flow matched an approved flow of site.yaml", List.of(), List.of());
            return null;
        }

        static boolean approved(EvidenceContext ctx, Inventory.Communication c) {
            for (SiteContext.FlowRule f : ctx.site.flows()) {
                if (end(ctx, f.from(), c.client()) && end(ctx, f.to(), c.server()) && (f.protocol().equals("*") || f.protocol().equals(c.protocol()))
                        && (f.port() == 0 || f.port() == c.port())) return true;
            }
            return false;
        }

        private static boolean end(EvidenceContext ctx, String spec, String assetId) {
            if (spec.equals("*")) return true;
            SiteContext.Zone z = ctx.zone(assetId);
            if (z != null && z.name().equals(spec)) return true;
            if (spec.indexOf('.') >= 0 || spec.indexOf(':') >= 0) {
                try {
                    return ctx.anyIn(List.of(io.gridscout.mapping.site.Cidr.parse(spec)), assetId);
                } catch (IllegalArgumentException e) {
                    return false;
                }
            }
            return false;
        }
    }

    /** ER-12: interactive remote access into control zones not through an approved jump host. */
    static final class RemoteAccess implements Rule {
        static final Map<Integer, String> PORTS = Map.of(3389, "RDP", 5900, "VNC", 5901, "VNC", 5902, "VNC", 5938, "TeamViewer",
                7070, "AnyDesk", 22, "SSH", 23, "Telnet");
        static final Set<String> DECODED = Set.of("rdp", "vnc", "ssh", "telnet", "teamviewer", "anydesk");

        public String id() { return "ER-12"; }

        public String evaluate(EvidenceContext ctx, Findings out) {
            for (Inventory.Communication c : ctx.inventory.communications()) {
                String what = DECODED.contains(c.protocol()) ? c.protocol() : c.transport().equals("tcp") && c.protocol().equals("tcp") ? PORTS.get(c.port()) : null;
                if (what == null) continue;
                SiteContext.Zone zs = ctx.zone(c.server());
                boolean control = zs != null ? zs.isControl() : ctx.isFieldDevice(c.server());
                if (!control) continue;
                String basis = (DECODED.contains(c.protocol()) ? "protocol decoded" : PORT_BASIS)
                        + (zs != null ? "; target in control zone " + zs.name() : "; target serves an industrial protocol (no zones declared)");
                if (ctx.anyIn(ctx.site.jumpHosts(), c.client())) {
                    out.add(id(), Status.EVIDENCE_OF_CONFORMITY, "info", what + " into " + c.server() + " comes from approved jump host " + c.client(), basis, List.of(), List.of(c));
                } else {
                    out.add(id(), zs != null || !ctx.site.jumpHosts().isEmpty() ? Status.NONCONFORMITY : Status.OBSERVATION,
                            what + " from " + c.client() + " into " + c.server() + " not via an approved jump host", basis, List.of(), List.of(c));
                }
            }
            return null;
        }
    }

    /** ER-13: cleartext login/community protocols (the fact, never the secret). */
    static final class CleartextCredentials implements Rule {
        static final Map<Integer, String> TCP = Map.of(23, "Telnet", 21, "FTP", 513, "rlogin", 512, "rexec", 110, "POP3", 143, "IMAP");

        public String id() { return "ER-13"; }

        public String evaluate(EvidenceContext ctx, Findings out) {
            for (Inventory.Communication c : ctx.inventory.communications()) {
                String what = null;
                Status st = Status.NONCONFORMITY;
                String basis = PORT_BASIS;
                if (c.protocol().equals("telnet") || c.protocol().equals("ftp")) {
                    what = c.protocol();
                    basis = "protocol decoded";
                } else if (c.protocol().equals("tcp") && TCP.containsKey(c.port())) {
                    what = TCP.get(c.port());
                } else if ((c.protocol().equals("udp") && (c.port() == 161 || c.port() == 162)) || c.protocol().equals("snmp")) {
                    what = "SNMP";
                    st = Status.OBSERVATION;
                    basis = PORT_BASIS + "; v1/v2c (community in cleartext) cannot be told from v3 without a decoder";
                }
                if (what == null) continue;
                out.add(id(), st, what + " session " + c.client() + " -> " + c.server() + ": credentials travel in cleartext",
                        basis + "; no secret is recorded", List.of(), List.of(c));
            }
            return null;
        }
    }

    /** ER-15: time synchronisation sources. */
    static final class TimeSync implements Rule {
        static final Set<String> TIME_OPS = Set.of("DELAY_MEASURE", "RECORD_CURRENT_TIME", "C_CS_NA_1", "CLOCK_SYNC", "TIME_SYNCHRONIZATION", "UTC_TIME_SYNCHRONIZATION");

        public String id() { return "ER-15"; }

        public String evaluate(EvidenceContext ctx, Findings out) {
            Map<String, List<Inventory.Communication>> sources = new LinkedHashMap<>();
            for (Inventory.Communication c : ctx.inventory.communications()) {
                boolean ntp = (c.protocol().equals("udp") && c.port() == 123) || c.protocol().equals("ntp") || c.protocol().equals("ptp");
                boolean op = c.operations().stream().anyMatch(o -> TIME_OPS.contains(o.name()));
                if (ntp) sources.computeIfAbsent(c.server(), k -> new ArrayList<>()).add(c);
                else if (op) sources.computeIfAbsent(c.client(), k -> new ArrayList<>()).add(c);
            }
            if (sources.isEmpty()) {
                if (!ctx.inventory.assets().isEmpty()) out.add(id(), Status.OBSERVATION, "No time synchronisation observed in the window",
                        "no NTP (udp/123), PTP or protocol clock-sync commands seen; devices may sync outside the monitored segments", List.of(), List.of());
                return null;
            }
            for (var e : sources.entrySet()) {
                String src = e.getKey();
                SiteContext.Zone z = ctx.zone(src);
                boolean external = z != null && z.kind().equals(SiteContext.EXTERNAL);
                boolean declared = ctx.anyIn(ctx.site.timeSources(), src);
                Status st;
                String why;
                if (external) {
                    st = Status.NONCONFORMITY;
                    why = "time taken from an external address";
                } else if (!ctx.site.timeSources().isEmpty() && !declared) {
                    st = Status.OBSERVATION;
                    why = "source is not among the declared time sources";
                } else {
                    st = Status.EVIDENCE_OF_CONFORMITY;
                    why = declared ? "declared time source" : "internal time source";
                }
                out.add(id(), st, st == Status.EVIDENCE_OF_CONFORMITY ? "info" : null,
                        "Time source " + src + " serves " + e.getValue().size() + " flow(s): " + why,
                        "NTP by server port udp/123; clock-sync commands decoded from industrial protocols", List.of(), e.getValue());
            }
            return null;
        }
    }

    /** ER-17: services a field device should not need. */
    static final class UnneededServices implements Rule {
        static final Map<Integer, String> PORTS = Map.ofEntries(Map.entry(21, "FTP"), Map.entry(23, "Telnet"), Map.entry(80, "HTTP"),
                Map.entry(8080, "HTTP"), Map.entry(161, "SNMP"), Map.entry(445, "SMB"), Map.entry(139, "NetBIOS"), Map.entry(69, "TFTP"),
                Map.entry(1900, "SSDP/UPnP"), Map.entry(5900, "VNC"), Map.entry(3389, "RDP"), Map.entry(22, "SSH"));

        public String id() { return "ER-17"; }

        public String evaluate(EvidenceContext ctx, Findings out) {
            for (Inventory.Asset a : ctx.inventory.assets()) {
                if (!ctx.isFieldDevice(a.id())) continue;
                List<String> extra = new ArrayList<>();
                for (Inventory.Service s : a.services()) {
                    if ((s.protocol().equals("tcp") || s.protocol().equals("udp")) && !s.role().equals("client") && PORTS.containsKey(s.port())) {
                        extra.add(PORTS.get(s.port()) + " (" + s.transport() + "/" + s.port() + ")");
                    }
                }
                if (extra.isEmpty()) continue;
                List<Inventory.Communication> comms = new ArrayList<>();
                for (Inventory.Communication c : ctx.inventory.communications()) {
                    if (c.server().equals(a.id()) && (c.protocol().equals("tcp") || c.protocol().equals("udp")) && PORTS.containsKey(c.port())) comms.add(c);
                }
                out.add(id(), Status.OBSERVATION, "Field device " + a.id() + " answers on " + String.join(", ", extra),
                        PORT_BASIS + "; confirm each is documented as needed (least functionality)", List.of(a), comms);
            }
            return null;
        }
    }

    /** ER-19: the monitoring itself, as positive operating evidence for the window. */
    static final class MonitoringOperated implements Rule {
        public String id() { return "ER-19"; }

        public String evaluate(EvidenceContext ctx, Findings out) {
            long packets = 0;
            for (Inventory.CaptureSummary c : ctx.inventory.captures()) packets += c.packets();
            if (packets > 0) {
                out.add(id(), Status.EVIDENCE_OF_CONFORMITY, "Passive monitoring recorded " + packets + " packets from " + ctx.inventory.captures().size()
                                + " capture(s): " + ctx.inventory.assets().size() + " devices, " + ctx.inventory.communications().size() + " flows",
                        "capture files hashed in this pack; coverage limited to the segments those captures saw", ctx.inventory.assets(), List.of());
                return null;
            }
            // the live agent counts its packets instead of capture files
            long live = ctx.inventory.counters().getOrDefault("packets", 0L);
            if (live > 0) out.add(id(), Status.EVIDENCE_OF_CONFORMITY, "Passive monitoring (live capture) recorded " + live + " packets: "
                            + ctx.inventory.assets().size() + " devices, " + ctx.inventory.communications().size() + " flows",
                    "live agent packet counter; coverage limited to the monitored interfaces", ctx.inventory.assets(), List.of());
            return null;
        }
    }

    // ---------------------------------------------------------------- helpers

    static boolean hasKind(Inventory.Communication c, String... kinds) {
        for (Inventory.Operation o : c.operations()) for (String k : kinds) if (o.kind().equals(k)) return true;
        return false;
    }

    static boolean encrypted(Inventory.Communication c) {
        for (Inventory.Detail d : c.details()) if (d.name().equals("encrypted")) return true;
        return false;
    }

    static List<Inventory.Communication> serverComms(EvidenceContext ctx, Inventory.Asset a, String protocol) {
        return serverComms(ctx, a, protocol, 0);
    }

    static List<Inventory.Communication> serverComms(EvidenceContext ctx, Inventory.Asset a, String protocol, int port) {
        List<Inventory.Communication> out = new ArrayList<>();
        for (Inventory.Communication c : ctx.inventory.communications()) {
            if (c.server().equals(a.id()) && c.protocol().equals(protocol) && (port == 0 || c.port() == port)) out.add(c);
        }
        return out;
    }
}
