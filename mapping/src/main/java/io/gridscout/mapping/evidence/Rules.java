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
                new UnneededServices(), new MonitoringOperated(), new CleartextControlCommands(), new OpcUaCertificates(), new SessionProtection());
    }

    static final String PORT_BASIS = "server port only (no decoder for this protocol yet): the service is inferred, not identified";

    /** ER-01: seen on the wire, absent from the register. */
    static final class Unregistered implements Rule {
        public String id() { return "ER-01"; }

        public String evaluate(EvidenceContext ctx, Findings out) {
            if (ctx.reconciliation == null) return "needs a declared register (--register)";
            int registered = 0;
            out.examined(id(), ctx.inventory.assets().size(), "observed devices");
            for (Reconciliation.Row r : ctx.reconciliation.rows()) {
                if (r.status() == Reconciliation.Status.UNREGISTERED) {
                    out.add(id(), Status.NONCONFORMITY, "Device " + r.asset().id() + " is not in the register",
                            "observed on the wire; no register entry matches its MAC, serial, IP or name", List.of(r.asset()), List.of());
                } else if (r.asset() != null) registered++;
            }
            if (registered > 0 && ctx.reconciliation.counts().get("unregistered") == 0) {
                List<Inventory.Asset> all = ctx.inventory.assets();
                out.add(id(), Status.EVIDENCE_OF_CONFORMITY, null, "All " + all.size() + " observed devices are in the register",
                        "every observed asset matched a register entry", all, List.of(), Set.of(), true);
            }
            return null;
        }
    }

    /** ER-02: declared, not seen although its segment was observed. */
    static final class NotObserved implements Rule {
        public String id() { return "ER-02"; }

        public String evaluate(EvidenceContext ctx, Findings out) {
            if (ctx.reconciliation == null) return "needs a declared register (--register)";
            long entries = ctx.reconciliation.rows().stream().filter(r -> r.entry() != null && r.status() != Reconciliation.Status.OUT_OF_COVERAGE).count();
            out.examined(id(), entries, "register entries on observed segments");
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
            out.examined(id(), ctx.reconciliation.rows().stream().filter(r -> r.entry() != null && r.asset() != null).count(), "matched register entries");
            for (Reconciliation.Row r : ctx.reconciliation.rows()) {
                if (r.status() != Reconciliation.Status.MISMATCH) continue;
                StringBuilder b = new StringBuilder();
                for (Reconciliation.Diff d : r.diffs()) {
                    if (b.length() > 0) b.append("; ");
                    b.append(d.field()).append(" declared '").append(d.declared()).append("' observed '").append(d.observed()).append('\'');
                    if (d.statedBy() != null) b.append(" (stated by ").append(d.statedBy()).append(')');
                }
                out.add(id(), Status.NONCONFORMITY, "Register entry " + r.entry().label() + " differs from the device: " + b,
                        "matched by " + r.matchedBy() + "; observed values are only what a protocol stated on the wire (never the MAC prefix's NIC maker)", List.of(r.asset()), List.of());
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
                if (ctx.isFieldDevice(a.id()) || a.services().stream().anyMatch(x -> x.protocol().equals("opcua") && x.role().equals("server")))
                    out.examined(id(), 1, "OPC UA servers and controllers");
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
            out.examined(id(), byClient.values().stream().mapToLong(List::size).sum(), "write/control/program flows");
            if (byClient.isEmpty()) return null;
            if (ctx.site.writers().isEmpty()) {
                for (var e : byClient.entrySet()) {
                    out.add(id(), Status.OBSERVATION, "low", "Host " + e.getKey() + " sent write/control commands; no allow list is declared",
                            "operation kinds decoded from the industrial protocol; declare writers in site.yaml to judge them", List.of(), e.getValue());
                }
                return null;
            }
            if (byClient.keySet().stream().allMatch(h -> ctx.anyIn(ctx.site.writers(), h))) {
                List<Inventory.Communication> all = new ArrayList<>();
                byClient.values().forEach(all::addAll);
                out.add(id(), Status.EVIDENCE_OF_CONFORMITY, "info", "All " + all.size() + " write/control flows come from allowed hosts ("
                                + String.join(", ", byClient.keySet()) + ")",
                        "client addresses are in the declared writers list; the allow list shows who may write, not that the commands were authenticated",
                        List.of(), all, Set.of(), true);
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
        static final Set<String> STATE = Set.of("STOP", "START", "STOP_APPL", "START_APPL", "COLD_RESTART", "WARM_RESTART",
                "REINITIALIZE_DEVICE", "DEVICE_COMMUNICATION_CONTROL", "RESET", "INITIALIZE_APPL", "PLC_STOP", "PI_SERVICE",
                "stop_plc", "start_plc", "C_RP_NA_1");

        public String id() { return "ER-07"; }

        public String evaluate(EvidenceContext ctx, Findings out) {
            for (Inventory.Communication c : ctx.inventory.communications()) {
                List<String> ops = new ArrayList<>();
                for (Inventory.Operation o : c.operations()) {
                    if (kind(o).equals("program") || STATE.contains(o.name())) ops.add(o.name() + " x" + o.count());
                }
                if (!c.operations().isEmpty() && EvidenceContext.INDUSTRIAL.contains(c.protocol())) out.examined(id(), 1, "industrial flows with decoded operations");
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
            int servers = 0, secured = 0;
            for (Inventory.Asset a : ctx.inventory.assets()) {
                if (a.services().stream().anyMatch(x -> x.protocol().equals("opcua") && x.role().equals("server"))) servers++;
                for (Inventory.Service s : a.services()) {
                    if (!s.protocol().equals("opcua") || !s.role().equals("server")) continue;
                    out.examined(id(), 1, "OPC UA servers");
                    List<String> issues = new ArrayList<>();
                    boolean policyNone = false;
                    for (Object p : s.details().getOrDefault("securityPolicies", List.of())) if (String.valueOf(p).endsWith("#None")) policyNone = true;
                    boolean modeNone = EvidenceContext.hasDetail(s, "securityModes", "None");
                    boolean securedModes = EvidenceContext.hasDetail(s, "securityModes", "SignAndEncrypt") || EvidenceContext.hasDetail(s, "securityModes", "Sign");
                    boolean discoveryOnly = false;
                    List<Object> overNone = s.details().getOrDefault("servicesOverNone", List.of());
                    List<Inventory.Communication> uaComms = serverComms(ctx, a, "opcua");
                    if (policyNone && securedModes && overNone.isEmpty()) {
                        // policy None only for GetEndpoints/FindServers, sessions on secured channels: the discovery the standard intends
                        discoveryOnly = true;
                        policyNone = false;
                        modeNone = false;
                        out.add(id(), Status.OBSERVATION, "low", "OPC UA server " + a.id() + " answered discovery (GetEndpoints/FindServers) on a channel of policy None; sessions used secured channels",
                                "channel policy from OpenSecureChannel and the services seen on it (decoded)", List.of(a), uaComms);
                    }
                    if (policyNone) issues.add("security policy None in use" + (overNone.isEmpty() ? "" : " (" + String.join(", ", overNone.stream().map(String::valueOf).toList()) + ")"));
                    if (modeNone && !policyNone) issues.add("message security mode None");
                    if (EvidenceContext.hasDetail(s, "userTokenTypesUsed", "anonymous")) issues.add("anonymous sessions activated");
                    if (EvidenceContext.hasDetail(s, "userTokenTypesUsed", "username") && (policyNone || modeNone)) issues.add("user name token over an unsecured channel");
                    List<String> noneEndpoints = new ArrayList<>();
                    for (Object e : s.details().getOrDefault("offeredEndpoints", List.of())) if (String.valueOf(e).startsWith("None")) noneEndpoints.add(String.valueOf(e));
                    if (!noneEndpoints.isEmpty()) {
                        // its own finding: sessions could be opened without security whether or not a client did
                        out.add(id(), Status.NONCONFORMITY, null, "OPC UA server " + a.id() + " offers an endpoint without security for sessions",
                                "GetEndpoints response (decoded): " + String.join(", ", noneEndpoints), List.of(a), uaComms, conditions(ctx, uaComms), false);
                    }
                    List<Inventory.Communication> comms = serverComms(ctx, a, "opcua");
                    if (!issues.isEmpty()) {
                        out.add(id(), Status.NONCONFORMITY, null, "OPC UA server " + a.id() + ": " + String.join("; ", issues),
                                "security policy and mode from OpenSecureChannel / GetEndpoints, token types from ActivateSession (decoded)", List.of(a), comms,
                                conditions(ctx, comms), false);
                    } else if (noneEndpoints.isEmpty() && !discoveryOnly && (EvidenceContext.hasDetail(s, "securityModes", "SignAndEncrypt") || comms.stream().anyMatch(c -> c.details().stream().anyMatch(d -> d.name().equals("encrypted"))))) {
                        secured++;
                        out.add(id(), Status.EVIDENCE_OF_CONFORMITY, "info", "OPC UA server " + a.id() + " used signed and encrypted channels only",
                                "no policy None, mode None or anonymous token observed in the window", List.of(a), comms);
                    }
                }
            }
            if (servers > 0 && secured == servers) out.add(id(), Status.EVIDENCE_OF_CONFORMITY, "info", "All " + servers + " OPC UA servers used signed and encrypted channels only",
                    "every OPC UA server seen: no policy None, mode None or anonymous token in the window", List.of(), List.of(), Set.of(), true);
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
                    if (Set.of("dnp3/outstation", "iec104/server", "mms/server", "goose/publisher", "sv/publisher").contains(role))
                        out.examined(id(), 1, "telecontrol servers and publishers");
                    switch (role) {
                        case "dnp3/outstation" -> {
                            List<Inventory.Communication> comms = serverComms(ctx, a, "dnp3");
                            if (EvidenceContext.hasDetail(s, "secureAuthentication", "true")) {
                                out.add(id(), Status.EVIDENCE_OF_CONFORMITY, "info", "DNP3 outstation " + a.id() + " uses Secure Authentication",
                                        "group 120 / authentication function codes decoded", List.of(a), comms);
                            } else {
                                out.add(id(), Status.OBSERVATION, null, "DNP3 outstation " + a.id() + " runs without Secure Authentication",
                                        "DNP3 decoded in cleartext and no group 120 objects or authentication function codes seen", List.of(a), comms,
                                        conditions(ctx, comms), false);
                            }
                        }
                        case "iec104/server" -> out.add(id(), Status.OBSERVATION, null, "IEC 60870-5-104 station " + a.id() + " runs without IEC 62351 protection",
                                "APDUs decoded in cleartext (no TLS)", List.of(a), serverComms(ctx, a, "iec104"), conditions(ctx, serverComms(ctx, a, "iec104")), false);
                        case "mms/server" -> out.add(id(), Status.OBSERVATION, null, "IEC 61850 MMS server " + a.id() + " runs without IEC 62351 protection",
                                "MMS decoded in cleartext (no TLS)", List.of(a), serverComms(ctx, a, "mms"), conditions(ctx, serverComms(ctx, a, "mms")), false);
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
                boolean icc = interControlCentre(ctx, c);
                boolean interconnection = ctx.anyIn(ctx.site.interconnections(), c.client()) || ctx.anyIn(ctx.site.interconnections(), c.server());
                Set<String> conds = new java.util.TreeSet<>();
                if (icc) conds.add(INTER_CC);
                if (external || interconnection) conds.add(EXTERNAL);
                if (external && interconnection) {
                    out.add(id(), Status.OBSERVATION, null, "Cleartext " + c.protocol() + " between " + c.client() + " and " + c.server()
                                    + " through a declared interconnection point",
                            "interconnection point from site.yaml; the link itself carries no protocol security", List.of(), List.of(c), conds, false);
                } else if (external) {
                    out.add(id(), Status.NONCONFORMITY, null, "Cleartext " + c.protocol() + " between " + c.client() + " and " + c.server() + " (external address)",
                            "address outside every declared zone and globally routable", List.of(), List.of(c), conds, false);
                } else if (zc != null && zs != null && !zc.name().equals(zs.name()) && !approved(ctx.site, c, zc, zs)) {
                    out.add(id(), Status.NONCONFORMITY, null, "Cleartext " + c.protocol() + " crosses from zone " + zc.name() + " to zone " + zs.name(),
                            "zones from site.yaml; no approved flow covers it", List.of(), List.of(c), conds, false);
                }
            }
            out.examined(id(), ctx.site.hasZones() ? checked : 0, "cleartext industrial flows against declared zones");
            if (checked > 0 && ctx.site.hasZones()) {
                // positive evidence only when zones were declared and every flow stayed inside a known zone
                boolean none = true;
                for (Inventory.Communication c : ctx.inventory.communications()) {
                    if (!EvidenceContext.INDUSTRIAL.contains(c.protocol()) || encrypted(c)) continue;
                    SiteContext.Zone zc = ctx.zone(c.client()), zs = ctx.zone(c.server());
                    if (zc == null || zs == null || !zc.name().equals(zs.name())) none = false;
                }
                // segregation is only demonstrated where there is something to segregate: two or more declared zones
                if (none) out.add(id(), Status.EVIDENCE_OF_CONFORMITY, "info", "All " + checked + " cleartext industrial flows stay inside their zone",
                        "zones from site.yaml", List.of(), List.of(), Set.of(), ctx.site.zones().size() >= 2);
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
            out.examined(id(), ctx.inventory.communications().size(), "flows");
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
                    "every flow matched an approved flow of site.yaml", List.of(), List.of(), Set.of(), true);
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
                out.examined(id(), 1, "remote-access flows into control zones or field devices");
                SiteContext.Zone zc = ctx.zone(c.client());
                Set<String> conds = (zc != null && zc.kind().equals(SiteContext.EXTERNAL)) || ctx.anyIn(ctx.site.interconnections(), c.client())
                        ? Set.of(EXTERNAL) : Set.of();
                String basis = (DECODED.contains(c.protocol()) ? "protocol decoded" : PORT_BASIS)
                        + (zs != null ? "; target in control zone " + zs.name() : "; target serves an industrial protocol (no zones declared)");
                if (ctx.anyIn(ctx.site.jumpHosts(), c.client())) {
                    out.add(id(), Status.EVIDENCE_OF_CONFORMITY, "info", what + " into " + c.server() + " comes from approved jump host " + c.client(), basis, List.of(), List.of(c));
                } else {
                    out.add(id(), zs != null || !ctx.site.jumpHosts().isEmpty() ? Status.NONCONFORMITY : Status.OBSERVATION, null,
                            what + " from " + c.client() + " into " + c.server() + " not via an approved jump host", basis, List.of(), List.of(c), conds, false);
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
                out.examined(id(), 1, "login or community protocol sessions");
                String claim = what.equals("SNMP") ? ": version not decoded; v1/v2c would carry the community string in cleartext" : ": credentials travel in cleartext";
                out.add(id(), st, what + " session " + c.client() + " -> " + c.server() + claim,
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
                boolean op = c.operations().stream().anyMatch(o -> TIME_OPS.contains(o.name()))
                        || c.details().stream().anyMatch(d -> d.name().equals("timeSync"));
                if (ntp) sources.computeIfAbsent(c.server(), k -> new ArrayList<>()).add(c);
                else if (op) sources.computeIfAbsent(c.client(), k -> new ArrayList<>()).add(c);
            }
            out.examined(id(), ctx.inventory.assets().size(), "devices for time synchronisation");
            if (sources.isEmpty()) {
                long window = window(ctx.inventory);
                long min = ctx.settings.minTimeSyncWindowNanos();
                if (window < min) return "observation window " + seconds(window) + " is shorter than the minimum " + seconds(min)
                        + " over which absence of time synchronisation is judged";
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
                out.examined(id(), 1, "field devices");
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

    /**
     * ER-19: the monitored organisation's own monitoring, seen as flows to the collectors and sensors site.yaml
     * declares (monitoring: syslog/SIEM collectors, IDS sensors). This capture having been made is not evidence
     * that the organisation monitors its networks.
     */
    static final class MonitoringOperated implements Rule {
        public String id() { return "ER-19"; }

        public String evaluate(EvidenceContext ctx, Findings out) {
            if (ctx.site.monitoring().isEmpty())
                return "needs the organisation's monitoring collectors or sensors in site.yaml (monitoring:); this capture itself is not the organisation's monitoring";
            Map<String, List<Inventory.Communication>> bySender = new LinkedHashMap<>();
            for (Inventory.Communication c : ctx.inventory.communications()) {
                if (ctx.anyIn(ctx.site.monitoring(), c.server()) && !ctx.anyIn(ctx.site.monitoring(), c.client()))
                    bySender.computeIfAbsent(c.client(), k -> new ArrayList<>()).add(c);
            }
            List<Inventory.Asset> silent = new ArrayList<>();
            int devices = 0;
            for (Inventory.Asset a : ctx.inventory.assets()) {
                if (ctx.anyIn(ctx.site.monitoring(), a.id())) continue;
                if (!ctx.isFieldDevice(a.id()) && (ctx.zone(a.id()) == null || !ctx.zone(a.id()).isControl())) continue;
                devices++;
                if (!bySender.containsKey(a.id())) silent.add(a);
            }
            out.examined(id(), devices, "control-zone devices and controllers against the declared collectors");
            for (var e : bySender.entrySet()) {
                out.add(id(), Status.EVIDENCE_OF_CONFORMITY, "info", "Host " + e.getKey() + " sends to a declared monitoring collector",
                        "flows to the monitoring: addresses of site.yaml", List.of(), e.getValue());
            }
            if (!silent.isEmpty()) {
                out.add(id(), Status.OBSERVATION, "low", silent.size() + " control-zone device(s) sent nothing to a declared monitoring collector in the window",
                        "flows to the monitoring: addresses of site.yaml; a device may log through another host or outside the window", silent, List.of());
            }
            return null;
        }
    }

    /**
     * ER-20: write/control commands in cleartext without protocol authentication (Modbus, S7comm, EtherNet/IP/CIP,
     * BACnet, IEC 104, MMS, DNP3 without Secure Authentication). Positive evidence only when every control command
     * on every observed conduit was authenticated.
     */
    static final class CleartextControlCommands implements Rule {
        public String id() { return "ER-20"; }

        public String evaluate(EvidenceContext ctx, Findings out) {
            Map<String, List<Inventory.Communication>> byServer = new LinkedHashMap<>();
            Map<String, java.util.TreeSet<String>> opsByServer = new LinkedHashMap<>();
            List<Inventory.Communication> authenticated = new ArrayList<>();
            int examined = 0;
            for (Inventory.Communication c : ctx.inventory.communications()) {
                if (!EvidenceContext.INDUSTRIAL.contains(c.protocol()) || !hasKind(c, "write", "control")) continue;
                examined++;
                if (authenticated(ctx, c)) {
                    authenticated.add(c);
                    continue;
                }
                String key = c.server() + " " + c.protocol();
                byServer.computeIfAbsent(key, k -> new ArrayList<>()).add(c);
                java.util.TreeSet<String> ops = opsByServer.computeIfAbsent(key, k -> new java.util.TreeSet<>());
                for (Inventory.Operation o : c.operations()) if (kind(o).equals("write") || kind(o).equals("control")) ops.add(o.name());
            }
            out.examined(id(), examined, "flows carrying write/control commands");
            for (var e : byServer.entrySet()) {
                List<Inventory.Communication> comms = e.getValue();
                Inventory.Communication c0 = comms.get(0);
                List<String> ops = new ArrayList<>(opsByServer.get(e.getKey()));
                if (ops.size() > 8) ops = new ArrayList<>(ops.subList(0, 8));
                java.util.TreeSet<String> clients = new java.util.TreeSet<>();
                for (Inventory.Communication c : comms) clients.add(c.client());
                out.add(id(), Status.OBSERVATION, null, "Unauthenticated cleartext " + c0.protocol() + " write/control commands to " + c0.server()
                                + " from " + String.join(", ", clients) + ": " + String.join(", ", ops),
                        "operation kinds decoded from " + c0.protocol() + "; the protocol carries no authentication of the sender"
                                + (c0.protocol().equals("dnp3") ? " (no DNP3 Secure Authentication seen)" : "") + " and no transport security was seen",
                        List.of(), comms, conditions(ctx, comms), false);
            }
            if (examined > 0 && byServer.isEmpty()) {
                out.add(id(), Status.EVIDENCE_OF_CONFORMITY, "info", "All " + examined + " flows with write/control commands were authenticated",
                        "every observed conduit carrying control commands used protocol authentication (DNP3 Secure Authentication) or transport security",
                        List.of(), authenticated, Set.of(), true);
            }
            return null;
        }

        static boolean authenticated(EvidenceContext ctx, Inventory.Communication c) {
            if (encrypted(c)) return true;
            if (!c.protocol().equals("dnp3")) return false;
            if (c.operations().stream().anyMatch(o -> o.name().startsWith("AUTH"))) return true;
            Inventory.Asset a = ctx.asset(c.server());
            if (a == null) return false;
            for (Inventory.Service s : a.services()) if (s.protocol().equals("dnp3") && EvidenceContext.hasDetail(s, "secureAuthentication", "true")) return true;
            return false;
        }
    }

    /** ER-21: OPC UA certificate weaknesses, when the decoder extracted certificate facts. */
    static final class OpcUaCertificates implements Rule {
        public String id() { return "ER-21"; }

        public String evaluate(EvidenceContext ctx, Findings out) {
            for (Inventory.Asset a : ctx.inventory.assets()) {
                for (Inventory.Service s : a.services()) {
                    if (!s.protocol().equals("opcua")) continue;
                    List<Object> certs = s.details().getOrDefault("certificate", List.of());
                    if (certs.isEmpty()) continue;
                    out.examined(id(), certs.size(), "OPC UA certificates");
                    for (Object o : certs) {
                        List<String> issues = certificateIssues(String.valueOf(o), ctx, a, windowEnd(ctx.inventory));
                        if (!issues.isEmpty()) out.add(id(), Status.OBSERVATION, "OPC UA " + s.role() + " " + a.id() + " certificate: " + String.join("; ", issues),
                                "certificate from OpenSecureChannel (decoded): " + o, List.of(a), serverComms(ctx, a, "opcua"));
                    }
                }
            }
            return null;
        }

        /** {@code cert} as the decoder records it: "notAfter=...;selfSigned=true;keyBits=1024;sigAlg=sha1WithRSA". */
        static List<String> certificateIssues(String cert, EvidenceContext ctx, Inventory.Asset a, long now) {
            Map<String, String> kv = new java.util.HashMap<>();
            for (String p : cert.split(";")) {
                int i = p.indexOf('=');
                if (i > 0) kv.put(p.substring(0, i).trim(), p.substring(i + 1).trim());
            }
            List<String> out = new ArrayList<>();
            try {
                if (kv.containsKey("notAfterNanos") && Long.parseLong(kv.get("notAfterNanos")) < now) out.add("expired");
                if (kv.containsKey("keyBits") && Integer.parseInt(kv.get("keyBits")) < 2048) out.add("RSA key of " + kv.get("keyBits") + " bits (< 2048)");
            } catch (NumberFormatException e) {
                // unreadable value: not judged
            }
            if (kv.getOrDefault("sigAlg", "").toLowerCase(java.util.Locale.ROOT).contains("sha1")) out.add("SHA-1 signature");
            SiteContext.Zone z = ctx.zone(a.id());
            if ("true".equals(kv.get("selfSigned")) && z != null && z.isControl() && !ctx.site.interControlCentre().isEmpty()) out.add("self-signed in a zone that requires a PKI");
            return out;
        }
    }

    /** ER-22: session protection the decoders record: S7 password-protected sessions, DLMS associations without authentication. */
    static final class SessionProtection implements Rule {
        public String id() { return "ER-22"; }

        public String evaluate(EvidenceContext ctx, Findings out) {
            for (Inventory.Communication c : ctx.inventory.communications()) {
                if (c.protocol().equals("dlms")) {
                    for (Inventory.Detail d : c.details()) {
                        if (!d.name().equals("authentication")) continue;
                        out.examined(id(), 1, "DLMS associations and S7 sessions");
                        if (d.value().toLowerCase(java.util.Locale.ROOT).contains("none") || d.value().equalsIgnoreCase("lowest")) {
                            out.add(id(), Status.OBSERVATION, "DLMS association " + c.client() + " -> " + c.server() + " without authentication (" + d.value() + ")",
                                    "AARQ authentication mechanism decoded", List.of(), List.of(c));
                        } else if (d.value().toLowerCase(java.util.Locale.ROOT).contains("low")) {
                            out.add(id(), Status.OBSERVATION, "DLMS association " + c.client() + " -> " + c.server() + " with low-level (password) authentication in cleartext",
                                    "AARQ authentication mechanism decoded; the password itself is never recorded", List.of(), List.of(c));
                        }
                    }
                } else if (c.protocol().equals("s7comm")) {
                    boolean password = c.details().stream().anyMatch(d -> d.name().equals("userdata") && d.value().toLowerCase(java.util.Locale.ROOT).contains("password"));
                    if (!password) continue;
                    out.examined(id(), 1, "DLMS associations and S7 sessions");
                    out.add(id(), Status.OBSERVATION, "S7 session " + c.client() + " -> " + c.server() + " is password-protected (protection level); the password travels with a weak, reversible encoding",
                            "S7comm userdata security function decoded; the password itself is never recorded", List.of(), List.of(c));
                }
            }
            return null;
        }
    }

    // ---------------------------------------------------------------- helpers

    static final String EXTERNAL = "external";
    static final String INTER_CC = "inter-control-centre";

    /**
     * Operations a decoder labels control/program that do not change the process or the program: connection and
     * association set-up/release (EtherNet/IP Forward Open/Close, DLMS release, UMAS reservation), data-stream
     * management (C37.118 turn on/off transmission by a PDC), and program uploads (a read from the controller).
     */
    static final Set<String> SESSION_OPS = Set.of("FORWARD_OPEN", "LARGE_FORWARD_OPEN", "FORWARD_CLOSE", "release",
            "take_plc_reservation", "release_plc_reservation", "TURN_ON_TRANSMISSION", "TURN_OFF_TRANSMISSION");
    static final Set<String> UPLOAD_OPS = Set.of("START_UPLOAD", "UPLOAD", "END_UPLOAD", "INITIATE_UPLOAD", "UPLOAD_TRANSFER",
            "initialize_upload", "upload_block", "end_strategy_upload");

    /** The kind the rules judge an operation by: the decoder's kind, corrected for {@link #SESSION_OPS} and {@link #UPLOAD_OPS}. */
    static String kind(Inventory.Operation o) {
        if (SESSION_OPS.contains(o.name())) return "session";
        if (UPLOAD_OPS.contains(o.name())) return "read";
        return o.kind();
    }

    static boolean hasKind(Inventory.Communication c, String... kinds) {
        for (Inventory.Operation o : c.operations()) for (String k : kinds) if (kind(o).equals(k)) return true;
        return false;
    }

    /** A flow whose two ends site.yaml declares as control-centre ends of inter-control-centre links (interControlCentre:). */
    static boolean interControlCentre(EvidenceContext ctx, Inventory.Communication c) {
        return !ctx.site.interControlCentre().isEmpty() && ctx.anyIn(ctx.site.interControlCentre(), c.client())
                && ctx.anyIn(ctx.site.interControlCentre(), c.server());
    }

    /** The conditional mappings (rules.txt COND) that apply to findings about these flows. */
    static Set<String> conditions(EvidenceContext ctx, List<Inventory.Communication> comms) {
        Set<String> out = new java.util.TreeSet<>();
        for (Inventory.Communication c : comms) if (interControlCentre(ctx, c)) out.add(INTER_CC);
        return out;
    }

    /** The observation window in ns: the capture files' span, or (live) the span of what the inventory saw. */
    static long window(Inventory inv) {
        long start = Long.MAX_VALUE, end = Long.MIN_VALUE;
        for (Inventory.CaptureSummary c : inv.captures()) {
            if (c.packets() <= 0) continue;
            start = Math.min(start, c.start());
            end = Math.max(end, c.end());
        }
        if (start == Long.MAX_VALUE) for (Inventory.Asset a : inv.assets()) {
            start = Math.min(start, a.firstSeen());
            end = Math.max(end, a.lastSeen());
        }
        return start == Long.MAX_VALUE || end < start ? 0 : end - start;
    }

    static long windowEnd(Inventory inv) {
        long end = Long.MIN_VALUE;
        for (Inventory.CaptureSummary c : inv.captures()) if (c.packets() > 0) end = Math.max(end, c.end());
        for (Inventory.Asset a : inv.assets()) end = Math.max(end, a.lastSeen());
        return end;
    }

    static String seconds(long nanos) {
        long s = nanos / 1_000_000_000L;
        return s >= 3600 && s % 3600 == 0 ? (s / 3600) + " h" : s >= 60 ? (s / 60) + " min " + (s % 60) + " s" : (nanos / 1_000_000L) + " ms";
    }

    /** Which protocol elements stated the asset's identity (the inventory's identity sources), for the finding's basis. */
    static String statedBy(Reconciliation.Row r) {
        List<String> src = new ArrayList<>();
        for (Inventory.Service s : r.asset().services()) {
            for (String k : List.of("identitySource", "identity")) for (Object v : s.details().getOrDefault(k, List.of())) src.add(s.protocol() + " " + v);
        }
        return src.isEmpty() ? "protocol identification responses" : String.join(", ", src);
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
