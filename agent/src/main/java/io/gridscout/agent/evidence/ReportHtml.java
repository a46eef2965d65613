package io.gridscout.agent.evidence;

import io.gridscout.agent.output.Times;
import io.gridscout.mapping.controls.Control;
import io.gridscout.mapping.controls.ControlCatalog;
import io.gridscout.mapping.evidence.EvidenceContext;
import io.gridscout.mapping.evidence.Finding;
import io.gridscout.mapping.evidence.RuleInfo;
import io.gridscout.mapping.inventory.Inventory;
import io.gridscout.mapping.register.Reconciliation;
import io.gridscout.mapping.site.Cidr;
import io.gridscout.mapping.site.SiteContext;
import io.gridscout.protocols.fact.IpAddr;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * report.html: one self-contained XHTML page (inline CSS and SVG, no script, no external resources) that also
 * parses as XML so the PDF renderer can read it. Every string that came off the wire goes through {@link #esc}.
 */
public final class ReportHtml {
    static final int MAX_TOPOLOGY_ASSETS_PER_GROUP = 40, MAX_TOPOLOGY_FLOWS = 400, MAX_FINDINGS_PER_CONTROL = 25;

    private ReportHtml() {}

    public static String render(EvidenceReport r) {
        return render(r, false);
    }

    /** {@code pdf}: the page report.pdf is rendered from, with the topology as a PNG instead of inline SVG. */
    static String render(EvidenceReport r, boolean pdf) {
        StringBuilder h = new StringBuilder(1 << 16);
        h.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\"><head><meta charset=\"utf-8\"/>")
                .append("<title>gridscout evidence pack").append(r.site().name() == null ? "" : " - " + esc(r.site().name())).append("</title>")
                .append("<style>").append(CSS).append("</style></head><body>\n");
        h.append("<h1>Passive network evidence for ISO/IEC ").append(esc(r.standard())).append("</h1>\n");
        h.append("<p class=\"meta\">Site: ").append(esc(r.site().name() == null ? "(not declared)" : r.site().name()))
                .append(" | Window: ").append(esc(time(r.windowStart()))).append(" to ").append(esc(time(r.windowEnd())))
                .append(" | gridscout ").append(esc(r.version())).append(" | rules ").append(esc(r.rulesVersion())).append("</p>\n");
        summary(h, r);
        assets(h, r);
        reconciliation(h, r);
        findings(h, r);
        topology(h, r, pdf);
        methodology(h, r);
        h.append("</body></html>\n");
        return h.toString();
    }

    private static void summary(StringBuilder h, EvidenceReport r) {
        h.append("<h2 id=\"summary\">Summary</h2>\n<table class=\"kpi\"><tbody>");
        h.append("<tr><th>Observed assets</th><td id=\"asset-count\">").append(r.inventory().assets().size()).append("</td></tr>");
        h.append("<tr><th>Observed flows</th><td id=\"flow-count\">").append(r.inventory().communications().size()).append("</td></tr>");
        for (Map.Entry<String, Integer> e : r.findingCounts().entrySet()) {
            h.append("<tr><th>Findings: ").append(esc(e.getKey())).append("</th><td class=\"").append(esc(e.getKey())).append("\">").append(e.getValue()).append("</td></tr>");
        }
        if (r.reconciliation() != null) {
            for (Map.Entry<String, Integer> e : r.reconciliation().counts().entrySet()) {
                h.append("<tr><th>Register: ").append(esc(e.getKey())).append("</th><td>").append(e.getValue()).append("</td></tr>");
            }
        }
        h.append("</tbody></table>\n");
    }

    private static void assets(StringBuilder h, EvidenceReport r) {
        h.append("<h2 id=\"assets\">Asset register (observed)</h2>\n<table><thead><tr><th>Id</th><th>IP</th><th>MAC</th><th>Vendor</th><th>Model</th>")
                .append("<th>Firmware</th><th>Serial</th><th>Name</th><th>Class</th><th>Zone</th><th>Services</th><th>First seen</th><th>Last seen</th></tr></thead><tbody>\n");
        EvidenceContext ctx = new EvidenceContext(r.inventory(), r.site(), null);
        for (Inventory.Asset a : r.inventory().assets()) {
            List<String> svc = new ArrayList<>();
            for (Inventory.Service s : a.services()) svc.add(s.protocol() + ":" + s.role() + (s.port() > 0 ? "/" + s.port() : ""));
            SiteContext.Zone z = ctx.zone(a.id());
            h.append("<tr class=\"asset\">");
            cells(h, a.id(), String.join(" ", a.ips()), String.join(" ", a.macs()), a.vendor(), a.model(), a.firmware(), a.serial(), a.name(),
                    a.deviceClass(), z == null ? "" : z.name(), String.join(" ", svc), time(a.firstSeen()), time(a.lastSeen()));
            h.append("</tr>\n");
        }
        h.append("</tbody></table>\n");
    }

    private static void reconciliation(StringBuilder h, EvidenceReport r) {
        h.append("<h2 id=\"reconciliation\">Register reconciliation</h2>\n");
        if (r.reconciliation() == null) {
            h.append("<p>No declared register was given (--register or register: in site.yaml): completeness and accuracy of the register are not assessed.</p>\n");
            return;
        }
        h.append("<table><thead><tr><th>Status</th><th>Register entry</th><th>Observed asset</th><th>Matched by</th><th>Differences</th></tr></thead><tbody>\n");
        for (Reconciliation.Row row : r.reconciliation().rows()) {
            StringBuilder d = new StringBuilder();
            for (Reconciliation.Diff x : row.diffs()) {
                if (d.length() > 0) d.append("; ");
                d.append(x.field()).append(": declared ").append(x.declared()).append(", observed ").append(x.observed());
            }
            h.append("<tr><td class=\"").append(esc(row.status().word)).append("\">").append(esc(row.status().word)).append("</td>");
            cells(h, row.entry() == null ? "" : row.entry().label() + " (line " + row.entry().line() + ")", row.asset() == null ? "" : row.asset().id(),
                    row.matchedBy(), d.toString());
            h.append("</tr>\n");
        }
        h.append("</tbody></table>\n");
    }

    private static void findings(StringBuilder h, EvidenceReport r) {
        h.append("<h2 id=\"controls\">Findings per control (").append(esc(r.standard())).append(")</h2>\n");
        h.append("<h3 id=\"legend\">Legend: what a control's state means</h3>\n<table class=\"legend\"><tbody>\n");
        for (Map.Entry<String, String> e : io.gridscout.mapping.evidence.ControlVerdicts.LEGEND.entrySet()) {
            h.append("<tr><td class=\"").append(esc(e.getKey())).append("\">").append(esc(e.getKey())).append("</td><td>").append(esc(e.getValue())).append("</td></tr>\n");
        }
        h.append("</tbody></table>\n<p>A state is derived in the order above from the findings of the rules a control rests on. A finding about one host, flow or server "
                + "(scope \"instance\") never makes a control conforming; only a rule that covers everything it could observe in this pack can.</p>\n");
        for (String theme : r.themes()) {
            h.append("<h3>").append(esc(theme)).append("</h3>\n<table class=\"controls\"><thead><tr><th>Control</th><th>Title (paraphrase)</th>")
                    .append("<th>Assessment</th><th>Rests on / cannot show</th><th>Findings</th></tr></thead><tbody>\n");
            for (Control c : ControlCatalog.get().controls(r.standard())) {
                if (!c.theme().equals(theme)) continue;
                io.gridscout.mapping.evidence.ControlVerdicts.Verdict v = r.verdict(c.id());
                String a = v.state();
                h.append("<tr><td>").append(esc(c.ref())).append("</td><td>").append(esc(c.title())).append(c.verified() ? "" : " <span class=\"unverified\">(unverified)</span>")
                        .append("</td><td class=\"").append(esc(a)).append("\">").append(esc(a)).append("<br/><small>").append(esc(v.reason())).append("</small></td><td>");
                if (!v.restsOn().isEmpty()) {
                    h.append("<ul>");
                    for (io.gridscout.mapping.evidence.ControlVerdicts.Basis b : v.restsOn()) {
                        h.append("<li>").append(esc(b.coverage())).append(b.cannotShow().isEmpty() ? "" : "; cannot show: " + esc(b.cannotShow())).append("</li>");
                    }
                    h.append("</ul>");
                }
                h.append("</td><td>");
                List<Finding> fs = r.findingsFor(c.id());
                if (!fs.isEmpty()) {
                    h.append("<ul>");
                    int shown = 0;
                    for (Finding f : fs) {
                        if (++shown > MAX_FINDINGS_PER_CONTROL) {
                            h.append("<li>+").append(fs.size() - MAX_FINDINGS_PER_CONTROL).append(" more (all are in findings.json)</li>");
                            break;
                        }
                        h.append("<li><b>").append(esc(f.ruleId())).append("</b> <span class=\"").append(esc(f.status().word)).append("\">")
                                .append(esc(f.status().word)).append("</span> [").append(esc(f.severity())).append("] ").append(esc(f.summary()))
                                .append(" <i>(").append(esc(f.basis())).append("; ").append(esc(time(f.firstSeen()))).append(" to ")
                                .append(esc(time(f.lastSeen()))).append(")</i></li>");
                    }
                    h.append("</ul>");
                }
                h.append("</td></tr>\n");
            }
            h.append("</tbody></table>\n");
        }
        h.append("<h3>Rule catalogue</h3>\n<table><thead><tr><th>Rule</th><th>Checks</th><th>27019:2024</th><th>27019:2017</th><th>IEC 62443-3-3</th><th>NERC CIP</th></tr></thead><tbody>\n");
        for (RuleInfo ri : io.gridscout.mapping.evidence.RuleCatalog.get().rules()) {
            h.append("<tr>");
            cells(h, ri.id(), ri.title(), String.join(", ", ri.controlIds(ControlCatalog.ISO27019_2024)), String.join(", ", ri.controlIds(ControlCatalog.ISO27019_2017)),
                    String.join(", ", ri.controlIds(ControlCatalog.IEC62443_3_3)), String.join(", ", ri.controlIds(ControlCatalog.NERC_CIP)));
            h.append("</tr>\n");
        }
        h.append("</tbody></table>\n");
    }

    /** The topology picture's geometry, drawn as inline SVG in report.html and as a PNG ({@link TopologyImage}) in report.pdf. */
    record Topology(int width, int height, List<Zone> zones, List<Flow> flows, int drawn) {
        record Zone(int x, int y, int w, int h, String kind, String label, List<Dot> dots, Label more) {}
        record Dot(int cx, int cy, String deviceClass, Label label) {}
        record Label(int x, int y, String text) {}
        record Flow(int x1, int y1, int x2, int y2, boolean industrial, String title) {}
    }

    /** Zones as columns, assets as dots, flows as lines (industrial protocols drawn solid, others dashed). */
    static Topology layout(EvidenceReport r) {
        EvidenceContext ctx = new EvidenceContext(r.inventory(), r.site(), null);
        Map<String, List<Inventory.Asset>> groups = new TreeMap<>();
        Map<String, String> kinds = new HashMap<>();
        for (Inventory.Asset a : r.inventory().assets()) {
            SiteContext.Zone z = ctx.zone(a.id());
            String g;
            if (z != null) {
                g = z.name();
                kinds.put(g, z.kind());
            } else g = subnet(a);
            groups.computeIfAbsent(g, k -> new ArrayList<>()).add(a);
        }
        final int colW = 230, rowH = 26, top = 50;
        Map<String, int[]> pos = new LinkedHashMap<>();
        int col = 0, maxRows = 1;
        List<Topology.Zone> zones = new ArrayList<>();
        for (Map.Entry<String, List<Inventory.Asset>> e : groups.entrySet()) {
            int x = 10 + col * colW;
            List<Inventory.Asset> list = e.getValue();
            int shown = Math.min(list.size(), MAX_TOPOLOGY_ASSETS_PER_GROUP);
            int rows = shown + (list.size() > shown ? 1 : 0);
            maxRows = Math.max(maxRows, rows);
            String kind = kinds.getOrDefault(e.getKey(), "");
            List<Topology.Dot> dots = new ArrayList<>();
            for (int i = 0; i < shown; i++) {
                Inventory.Asset a = list.get(i);
                int cx = x + 20, cy = top + 12 + i * rowH;
                pos.put(a.id(), new int[] {cx, cy});
                String label = a.id() + " " + (a.deviceClass().equals("unknown") ? "" : a.deviceClass());
                dots.add(new Topology.Dot(cx, cy, a.deviceClass(), new Topology.Label(cx + 12, cy + 4, clip(label, 30))));
            }
            Topology.Label more = list.size() > shown ? new Topology.Label(x + 12, top + 16 + shown * rowH, "+" + (list.size() - shown) + " more") : null;
            zones.add(new Topology.Zone(x, 10, colW - 20, top + rows * rowH, kind, e.getKey() + (kind.isEmpty() ? "" : " (" + kind + ")"), dots, more));
            col++;
        }
        List<Topology.Flow> flows = new ArrayList<>();
        for (Inventory.Communication c : r.inventory().communications()) {
            int[] a = pos.get(c.client()), b = pos.get(c.server());
            if (a == null || b == null || flows.size() >= MAX_TOPOLOGY_FLOWS) continue;
            flows.add(new Topology.Flow(a[0], a[1], b[0], b[1], EvidenceContext.INDUSTRIAL.contains(c.protocol()), EvidenceContext.label(c)));
        }
        return new Topology(Math.max(300, 10 + col * colW), top + maxRows * rowH + 30, zones, flows, flows.size());
    }

    private static void topology(StringBuilder h, EvidenceReport r, boolean pdf) {
        Topology t = layout(r);
        h.append("<h2 id=\"topology\">Topology</h2>\n<p>Zones from site.yaml (or /24 subnets where none are declared), observed devices and flows; solid lines are industrial protocols. ")
                .append(t.drawn()).append(" of ").append(r.inventory().communications().size()).append(" flows drawn.</p>\n");
        if (pdf) {
            // the PDF renderer draws no SVG without Batik (30 MB): the same picture as a PNG
            h.append("<img id=\"topology-png\" alt=\"topology\" width=\"").append(t.width()).append("\" height=\"").append(t.height())
                    .append("\" style=\"width:").append(t.width()).append("px;height:").append(t.height()).append("px\" src=\"data:image/png;base64,")
                    .append(java.util.Base64.getEncoder().encodeToString(TopologyImage.png(t))).append("\"/>\n");
            return;
        }
        StringBuilder body = new StringBuilder();
        for (Topology.Zone z : t.zones()) {
            body.append("<rect x=\"").append(z.x()).append("\" y=\"").append(z.y()).append("\" width=\"").append(z.w()).append("\" height=\"").append(z.h())
                    .append("\" rx=\"8\" class=\"zone ").append(esc(z.kind())).append("\"/>");
            body.append("<text x=\"").append(z.x() + 10).append("\" y=\"32\" class=\"zlabel\">").append(esc(z.label())).append("</text>");
            for (Topology.Dot d : z.dots()) {
                body.append("<circle cx=\"").append(d.cx()).append("\" cy=\"").append(d.cy()).append("\" r=\"7\" class=\"dev ").append(esc(d.deviceClass())).append("\"/>");
                body.append("<text x=\"").append(d.label().x()).append("\" y=\"").append(d.label().y()).append("\" class=\"alabel\">").append(esc(d.label().text())).append("</text>");
            }
            if (z.more() != null) body.append("<text x=\"").append(z.more().x()).append("\" y=\"").append(z.more().y()).append("\" class=\"alabel\">")
                    .append(esc(z.more().text())).append("</text>");
        }
        StringBuilder lines = new StringBuilder();
        for (Topology.Flow f : t.flows()) {
            lines.append("<line x1=\"").append(f.x1()).append("\" y1=\"").append(f.y1()).append("\" x2=\"").append(f.x2()).append("\" y2=\"").append(f.y2())
                    .append("\" class=\"").append(f.industrial() ? "flow ind" : "flow other").append("\"><title>").append(esc(f.title())).append("</title></line>");
        }
        h.append("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"topology-svg\" width=\"").append(t.width()).append("\" height=\"").append(t.height())
                .append("\" viewBox=\"0 0 ").append(t.width()).append(' ').append(t.height()).append("\"><style>").append(SVG_CSS).append("</style>").append(body).append(lines).append("</svg>\n");
    }

    private static void methodology(StringBuilder h, EvidenceReport r) {
        h.append("<h2 id=\"methodology\">Methodology and coverage</h2>\n<p>gridscout observed the captures below passively: it sent nothing to any device. ")
                .append("Identities are taken from what devices state in their protocols (never from a port alone); remote-access, cleartext-login and ")
                .append("unneeded-service rules for protocols without a decoder rely on the server port and say so in their basis. A device that sent nothing ")
                .append("in the window, or sat on a segment no capture saw, cannot be evidenced: not observed does not mean absent. ")
                .append("Findings are candidates for the auditor: the standard is risk based, and a risk treatment may accept what a rule reports.</p>\n");
        h.append("<table><thead><tr><th>Capture</th><th>SHA-256</th><th>Packets</th><th>Start</th><th>End</th></tr></thead><tbody>\n");
        for (Inventory.CaptureSummary c : r.inventory().captures()) {
            h.append("<tr>");
            cells(h, c.file(), c.sha256(), Long.toString(c.packets()), c.packets() == 0 ? "" : time(c.start()), c.packets() == 0 ? "" : time(c.end()));
            h.append("</tr>\n");
        }
        h.append("</tbody></table>\n");
        if (!r.result().notEvaluated().isEmpty()) {
            h.append("<p>Rules not evaluated for lack of declared context:</p><ul>");
            for (Map.Entry<String, String> e : r.result().notEvaluated().entrySet()) h.append("<li>").append(esc(e.getKey())).append(": ").append(esc(e.getValue())).append("</li>");
            h.append("</ul>\n");
        }
        if (!r.result().dropped().isEmpty()) {
            h.append("<p>Findings beyond ").append(io.gridscout.mapping.evidence.Findings.MAX_PER_RULE).append(" per rule were counted, not kept: ")
                    .append(esc(r.result().dropped().toString())).append(".</p>\n");
        }
        List<String> na = new ArrayList<>();
        for (Control c : ControlCatalog.get().controls(r.standard())) if (r.assessment(c.id()).equals(EvidenceReport.NOT_ASSESSABLE)) na.add(c.id());
        h.append("<p>Controls a passive network sensor cannot assess (policy, people, physical, supplier and management controls; ")
                .append(na.size()).append(" of ").append(ControlCatalog.get().controls(r.standard()).size()).append("): ")
                .append(esc(String.join(", ", na))).append(".</p>\n");
        h.append("<p>Control titles are our own paraphrases, not ISO/IEC text; titles marked unverified could not be confirmed from public sources. ")
                .append("Catalog versions: ").append(esc(ControlCatalog.get().versions().toString())).append(".</p>\n");
    }

    private static String subnet(Inventory.Asset a) {
        for (String ip : a.ips()) {
            IpAddr x = Cidr.parseOrNull(ip);
            if (x != null && x.isV4()) return Cidr.parse(ip + "/24").toString();
        }
        return a.ips().isEmpty() ? "layer 2 only" : "ipv6";
    }

    private static void cells(StringBuilder h, String... values) {
        for (String v : values) h.append("<td>").append(esc(v)).append("</td>");
    }

    private static String clip(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "\u2026";
    }

    static String time(long t) {
        String s = Times.iso(t);
        return s == null ? "" : s;
    }

    /** Escapes for XHTML text and attributes; drops characters XML cannot carry (wire strings may hold any byte). */
    public static String esc(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> {
                    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0xFFFE || c == 0xFFFF) b.append('\uFFFD');
                    else if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1)))
                            && !(Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(s.charAt(i - 1)))) b.append('\uFFFD');
                    else b.append(c);
                }
            }
        }
        return b.toString();
    }

    private static final String CSS = """
            body{font-family:sans-serif;font-size:12px;margin:16px;color:#222}
            h1{font-size:20px}h2{font-size:16px;border-bottom:1px solid #999;margin-top:24px}h3{font-size:14px}
            table{border-collapse:collapse;margin:6px 0;width:100%}th,td{border:1px solid #ccc;padding:3px 5px;text-align:left;vertical-align:top}
            th{background:#eee}table.kpi{width:auto}.meta{color:#555}
            .nonconformity{color:#a00;font-weight:bold}.observation{color:#a60}.evidence-of-conformity{color:#070}
            .not-assessable,.not-evaluated,.no-finding,.no-exception-observed{color:#777}.unverified{color:#777;font-size:10px}
            .mismatch,.unregistered{color:#a00}.not-observed,.out-of-coverage{color:#a60}.matched{color:#070}
            """;

    /** Inside the SVG itself, so the picture keeps its look when copied out of the page; {@link TopologyImage} uses the same colours. */
    private static final String SVG_CSS = "rect.zone{fill:#f4f6fa;stroke:#889}rect.zone.external{fill:#fbeaea}rect.zone.corporate-it,rect.zone.dmz{fill:#fdf8e6}"
            + "circle.dev{fill:#58a;stroke:#235}circle.plc,circle.rtu,circle.ied{fill:#c63}"
            + "text{font-family:sans-serif;fill:#222}.zlabel{font-size:12px;font-weight:bold}.alabel{font-size:10px}"
            + "line.flow{stroke-width:1;stroke:#58a;opacity:.6}line.flow.other{stroke:#999;stroke-dasharray:3,3}";
}
