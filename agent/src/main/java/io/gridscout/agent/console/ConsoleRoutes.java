package io.gridscout.agent.console;

import io.gridscout.agent.api.ApiToken;
import io.gridscout.agent.evidence.EvidencePack;
import io.gridscout.agent.evidence.EvidenceReport;
import io.gridscout.agent.output.InventoryCsv;
import io.gridscout.agent.output.InventoryJson;
import io.gridscout.agent.output.Times;
import io.gridscout.mapping.controls.Control;
import io.gridscout.mapping.controls.ControlCatalog;
import io.gridscout.mapping.evidence.Finding;
import io.gridscout.mapping.inventory.Inventory;
import io.gridscout.mapping.register.Reconciliation;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The web console as plain request → reply code: server-rendered pages (every value through {@link Html#esc}),
 * htmx fragments for search/filter/paging, JSON for the graph, downloads, static files from the jar. Same
 * token as the API, carried by an HttpOnly SameSite=Strict cookie set by the login page.
 */
public final class ConsoleRoutes {
    public static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
    public static final String COOKIE = "gridscout_token";
    public static final String HTMX = "/webjars/htmx.org/2.0.4/dist/htmx.min.js";
    public static final String CYTOSCAPE = "/webjars/cytoscape/3.33.1/dist/cytoscape.min.js";
    static final int PAGE = 50, DEFAULT_AGGREGATE_ABOVE = 500;
    /** Static files: URL path → classpath resource and type. Nothing else is served from the classpath. */
    private static final Map<String, String[]> STATIC = Map.of(
            HTMX, new String[] {"META-INF/resources" + HTMX, "text/javascript; charset=utf-8"},
            CYTOSCAPE, new String[] {"META-INF/resources" + CYTOSCAPE, "text/javascript; charset=utf-8"},
            "/console/static/console.js", new String[] {"io/gridscout/agent/console/console.js", "text/javascript; charset=utf-8"},
            "/console/static/console.css", new String[] {"io/gridscout/agent/console/console.css", "text/css; charset=utf-8"});

    public record Request(String method, String uri, String cookie, String authorization, boolean htmx, byte[] body) {}

    /** {@code stream}: an SSE stream the server keeps open (body is its first bytes). */
    public record Reply(int status, String contentType, byte[] body, Map<String, String> headers, boolean stream) {
        static Reply html(int status, String html) {
            return new Reply(status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8), Map.of(), false);
        }
    }

    private final ConsoleModel model;
    private final ApiToken token;
    private final boolean secure;
    private final int aggregateAbove;
    private final Map<String, byte[]> staticCache = new HashMap<>();

    public ConsoleRoutes(ConsoleModel model, ApiToken token, boolean secure) {
        this(model, token, secure, DEFAULT_AGGREGATE_ABOVE);
    }

    /** {@code aggregateAbove}: the map groups assets by zone/subnet when there are more than this many. */
    public ConsoleRoutes(ConsoleModel model, ApiToken token, boolean secure, int aggregateAbove) {
        this.model = model;
        this.token = token;
        this.secure = secure;
        this.aggregateAbove = aggregateAbove;
    }

    public ConsoleModel model() {
        return model;
    }

    /** True for the paths this class answers (the rest is the JSON API). */
    public static boolean owns(String path) {
        return path.equals("/") || path.equals("/login") || path.equals("/logout") || path.startsWith("/console/") || path.equals("/console")
                || path.startsWith("/webjars/") || path.equals("/favicon.ico");
    }

    /** The token carried by the console's cookie, or null. */
    public static String cookieToken(String cookieHeader) {
        if (cookieHeader == null) return null;
        for (String part : cookieHeader.split(";")) {
            String p = part.trim();
            if (p.startsWith(COOKIE + "=")) return p.substring(COOKIE.length() + 1);
        }
        return null;
    }

    public Reply handle(Request req) {
        String uri = req.uri();
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        Map<String, String> p;
        try {
            p = params(q < 0 ? "" : uri.substring(q + 1));
        } catch (IllegalArgumentException e) {
            return Reply.html(400, page("Bad request", new Html().el("p", e.getMessage()).toString(), false));
        }
        try {
            if (STATIC.containsKey(path)) return staticFile(path);
            if (path.equals("/favicon.ico")) return new Reply(204, "text/plain", new byte[0], Map.of(), false);
            if (path.equals("/login")) return login(req);
            boolean authed = token.accepts(req.authorization()) || token.accepts(bearer(cookieToken(req.cookie())));
            if (path.equals("/logout")) {
                if (!req.method().equals("POST")) return notAllowed();
                return redirect("/login", COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : ""));
            }
            if (!req.method().equals("GET") && !req.method().equals("HEAD")) return notAllowed();
            if (!authed) {
                if (req.htmx() || path.endsWith(".json") || path.equals("/console/events/stream"))
                    return new Reply(401, "text/plain; charset=utf-8", "log in first\n".getBytes(StandardCharsets.UTF_8), Map.of(), false);
                return redirect("/login", null);
            }
            if (path.equals("/") || path.equals("/console") || path.equals("/console/")) return Reply.html(200, overview(req.htmx()));
            if (path.equals("/console/assets")) return Reply.html(200, assets(p, req.htmx()));
            if (path.startsWith("/console/assets/")) return asset(URLDecoder.decode(path.substring("/console/assets/".length()), StandardCharsets.UTF_8));
            if (path.equals("/console/map")) return Reply.html(200, mapPage());
            if (path.equals("/console/map.json")) return mapJson(p);
            if (path.equals("/console/events")) return Reply.html(200, eventsPage(p, req.htmx()));
            if (path.equals("/console/events/stream")) {
                String first = "retry: 3000\n: gridscout events\n\n";
                return new Reply(200, "text/event-stream; charset=utf-8", first.getBytes(StandardCharsets.UTF_8), Map.of(), true);
            }
            if (path.equals("/console/findings")) return Reply.html(200, findings());
            if (path.equals("/console/register")) return Reply.html(200, register());
            if (path.equals("/console/downloads")) return Reply.html(200, downloads());
            if (path.equals("/console/download/inventory.json")) return download("inventory.json", "application/json", inventoryJson());
            if (path.equals("/console/download/assets.csv")) return download("assets.csv", "text/csv; charset=utf-8", assetsCsv());
            if (path.equals("/console/download/evidence-pack.zip")) return download("evidence-pack.zip", "application/zip", evidenceZip());
            return Reply.html(404, page("Not found", new Html().raw("<p>Nothing here: ").text(path).raw("</p>").toString(), true));
        } catch (IllegalArgumentException e) {
            return Reply.html(400, page("Bad request", new Html().el("p", e.getMessage()).toString(), true));
        }
    }

    private static String bearer(String t) {
        return t == null ? null : "Bearer " + t;
    }

    private static Reply notAllowed() {
        return new Reply(405, "text/plain; charset=utf-8", "method not allowed\n".getBytes(StandardCharsets.UTF_8), Map.of("Allow", "GET, HEAD"), false);
    }

    private static Reply redirect(String to, String cookie) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Location", to);
        if (cookie != null) h.put("Set-Cookie", cookie);
        return new Reply(303, "text/plain; charset=utf-8", new byte[0], h, false);
    }

    // ------------------------------------------------------------------ login

    private Reply login(Request req) {
        if (req.method().equals("POST")) {
            Map<String, String> form;
            try {
                form = params(new String(req.body() == null ? new byte[0] : req.body(), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                form = Map.of();
            }
            String t = form.getOrDefault("token", "").trim();
            if (!t.isEmpty() && t.length() < 512 && t.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != ';' && c != ',')
                    && token.accepts("Bearer " + t)) {
                return redirect("/", COOKIE + "=" + t + "; Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : ""));
            }
            return Reply.html(401, loginPage("Wrong token."));
        }
        if (!req.method().equals("GET") && !req.method().equals("HEAD")) return notAllowed();
        return Reply.html(200, loginPage(null));
    }

    private String loginPage(String error) {
        Html h = new Html();
        h.raw("<form class=\"login\" method=\"post\" action=\"/login\"><label for=\"token\">API token</label>")
                .raw("<input id=\"token\" name=\"token\" type=\"password\" autocomplete=\"current-password\" required autofocus>")
                .raw("<button id=\"login\" type=\"submit\">Log in</button>");
        if (error != null) h.raw("<p class=\"error\" id=\"login-error\">").text(error).raw("</p>");
        h.raw("<p class=\"hint\">The token is in the agent's token file (api-token beside the store; analyze --serve prints its file).</p></form>");
        return page("Log in", h.toString(), false);
    }

    // ------------------------------------------------------------------ layout

    private String page(String title, String content, boolean nav) {
        Html h = new Html();
        h.raw("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                // htmx must not inject its indicator <style> (CSP) nor evaluate attributes
                .raw("<meta name=\"htmx-config\" content=\"").text("{\"includeIndicatorStyles\":false,\"allowEval\":false,\"allowScriptTags\":false,\"historyCacheSize\":0}").raw("\">")
                .raw("<title>").text(title).raw(" · gridscout</title>")
                // the id tells Cytoscape its container style is present, so it injects no <style> element (CSP)
                .raw("<link rel=\"stylesheet\" href=\"/console/static/console.css\" id=\"__________cytoscape_stylesheet\">")
                .raw("<script src=\"").text(HTMX).raw("\"></script>");
        if (title.equals("Map")) h.raw("<script src=\"").text(CYTOSCAPE).raw("\"></script>");
        h.raw("<script src=\"/console/static/console.js\"></script></head>");
        h.raw("<body data-live=\"").text(nav && model.live()).raw("\">");
        h.raw("<header><span class=\"brand\">gridscout</span>");
        if (nav) {
            h.raw("<nav>");
            for (String[] l : new String[][] {{"/", "Overview"}, {"/console/assets", "Assets"}, {"/console/map", "Map"}, {"/console/events", "Events"},
                    {"/console/findings", "Findings"}, {"/console/register", "Register"}, {"/console/downloads", "Downloads"}}) {
                h.raw("<a href=\"").text(l[0]).raw("\"").raw(l[1].equals(title) ? " class=\"current\"" : "").raw(">").text(l[1]).raw("</a>");
            }
            h.raw("</nav><span class=\"mode\">").text(model.live() ? "live agent" : "offline analysis").raw(" · ").text(model.version()).raw("</span>");
            h.raw("<form method=\"post\" action=\"/logout\" class=\"logout\"><button type=\"submit\">Log out</button></form>");
        }
        h.raw("</header><main><h1>").text(title).raw("</h1>").raw(content).raw("</main></body></html>");
        return h.toString();
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String assetHref(String id) {
        return "/console/assets/" + enc(id).replace("+", "%20");
    }

    static String time(long nanos) {
        return nanos == Long.MIN_VALUE || nanos == Long.MAX_VALUE || nanos == 0 ? "" : Times.iso(nanos);
    }

    static String label(Inventory.Asset a) {
        if (a.name() != null) return a.name();
        if (!a.ips().isEmpty()) return a.ips().get(0);
        if (!a.macs().isEmpty()) return a.macs().get(0);
        return a.id();
    }

    private static Set3 protocols(Inventory.Asset a) {
        Set3 s = new Set3();
        for (Inventory.Service sv : a.services()) s.add(sv.protocol());
        return s;
    }

    /** A tiny insertion-ordered string set. */
    private static final class Set3 extends ArrayList<String> {
        @Override
        public boolean add(String s) {
            return !contains(s) && super.add(s);
        }
    }

    // ------------------------------------------------------------------ overview

    private String overview(boolean fragment) {
        if (fragment) return latestEvents();
        Inventory inv = model.inventory();
        Map<String, Integer> byClass = new TreeMap<>(), byProto = new TreeMap<>(), byGroup = new TreeMap<>();
        for (Inventory.Asset a : inv.assets()) {
            byClass.merge(a.deviceClass() == null ? "unknown" : a.deviceClass(), 1, Integer::sum);
            for (String pr : protocols(a)) byProto.merge(pr, 1, Integer::sum);
            byGroup.merge(model.group(a), 1, Integer::sum);
        }
        Html h = new Html();
        h.raw("<section class=\"cards\"><div class=\"card\"><span class=\"big\" id=\"asset-count\">").text(inv.assets().size()).raw("</span> assets</div>")
                .raw("<div class=\"card\"><span class=\"big\">").text(inv.communications().size()).raw("</span> communications</div>")
                .raw("<div class=\"card\"><span class=\"big\">").text(inv.captures().size()).raw("</span> captures</div></section>");
        h.raw("<section class=\"grid3\">");
        countTable(h, "By class", byClass, "class");
        countTable(h, "By protocol", byProto, "protocol");
        countTable(h, model.site().hasZones() ? "By zone" : "By subnet", byGroup, "zone");
        h.raw("</section><section class=\"grid2\"><div><h2>Capture health</h2><table class=\"kv\" id=\"health\">");
        Map<String, Long> health = new LinkedHashMap<>(model.health());
        inv.counters().forEach((k, v) -> health.putIfAbsent("inventory " + k, v));
        for (var e : health.entrySet()) h.raw("<tr>").el("th", e.getKey()).td(e.getValue()).raw("</tr>");
        h.raw("</table>");
        for (Inventory.CaptureSummary c : inv.captures()) {
            h.raw("<p class=\"capture\">").text(c.file()).raw(": ").text(c.packets()).raw(" packets, ").text(time(c.start())).raw(" – ").text(time(c.end())).raw("</p>");
            for (String w : c.warnings()) h.raw("<p class=\"warning\">").text(w).raw("</p>");
        }
        h.raw("</div><div><h2>Latest events</h2><div id=\"latest-events\" hx-get=\"/\" hx-trigger=\"gs-change from:body\">")
                .raw(latestEvents()).raw("</div></div></section>");
        return page("Overview", h.toString(), true);
    }

    private void countTable(Html h, String title, Map<String, Integer> counts, String param) {
        h.raw("<div><h2>").text(title).raw("</h2><table class=\"counts\">");
        for (var e : counts.entrySet()) {
            h.raw("<tr><td>").a("/console/assets?" + param + "=" + enc(e.getKey()), e.getKey()).raw("</td>").td(e.getValue()).raw("</tr>");
        }
        if (counts.isEmpty()) h.raw("<tr><td colspan=\"2\">none</td></tr>");
        h.raw("</table></div>");
    }

    private String latestEvents() {
        List<ConsoleModel.Numbered> ev = model.events(null, null);
        Html h = new Html();
        if (ev.isEmpty()) return h.raw("<p class=\"muted\">").text(model.live() ? "No change events yet." : "An offline analysis has no change events.").raw("</p>").toString();
        h.raw("<table class=\"events\">");
        for (int i = 0; i < Math.min(10, ev.size()); i++) eventRow(h, ev.get(i));
        return h.raw("</table>").toString();
    }

    private void eventRow(Html h, ConsoleModel.Numbered n) {
        var e = n.event();
        h.raw("<tr class=\"event\" data-seq=\"").text(n.seq()).raw("\">").td(time(e.time())).td(e.type()).raw("<td>");
        if (e.assetId() != null) h.a(assetHref(e.assetId()), e.assetId());
        h.raw("</td>").td(e.subject()).td(e.oldValue() == null ? "" : e.oldValue() + " → ").td(e.newValue()).raw("</tr>");
    }

    // ------------------------------------------------------------------ assets

    private static final List<String> SORTS = List.of("id", "class", "vendor", "model", "name", "ip", "lastSeen", "firstSeen");

    private String assets(Map<String, String> p, boolean fragment) {
        for (String k : p.keySet()) if (!List.of("q", "class", "protocol", "vendor", "zone", "sort", "dir", "page").contains(k)) throw new IllegalArgumentException("unknown parameter: " + k);
        Inventory inv = model.inventory();
        String q = p.getOrDefault("q", "").trim().toLowerCase(Locale.ROOT);
        String cls = blank(p.get("class")), proto = blank(p.get("protocol")), vendor = blank(p.get("vendor")), zone = blank(p.get("zone"));
        String sort = p.getOrDefault("sort", "id");
        if (!SORTS.contains(sort)) throw new IllegalArgumentException("sort must be one of " + SORTS);
        boolean desc = "desc".equals(p.get("dir"));
        int pageNo = p.containsKey("page") ? parsePage(p.get("page")) : 1;
        List<Inventory.Asset> match = new ArrayList<>();
        TreeMap<String, Integer> classes = new TreeMap<>(), protos = new TreeMap<>(), vendors = new TreeMap<>(), zones = new TreeMap<>();
        for (Inventory.Asset a : inv.assets()) {
            String c = a.deviceClass() == null ? "unknown" : a.deviceClass();
            String g = model.group(a);
            Set3 pr = protocols(a);
            classes.merge(c, 1, Integer::sum);
            for (String x : pr) protos.merge(x, 1, Integer::sum);
            if (a.vendor() != null) vendors.merge(a.vendor(), 1, Integer::sum);
            zones.merge(g, 1, Integer::sum);
            if (cls != null && !cls.equals(c)) continue;
            if (proto != null && !pr.contains(proto)) continue;
            if (vendor != null && !vendor.equals(a.vendor())) continue;
            if (zone != null && !zone.equals(g)) continue;
            if (!q.isEmpty() && !matches(a, q)) continue;
            match.add(a);
        }
        Comparator<Inventory.Asset> cmp = switch (sort) {
            case "class" -> Comparator.comparing(a -> n(a.deviceClass()));
            case "vendor" -> Comparator.comparing(a -> n(a.vendor()));
            case "model" -> Comparator.comparing(a -> n(a.model()));
            case "name" -> Comparator.comparing(a -> n(a.name()));
            case "ip" -> Comparator.comparing(a -> a.ips().isEmpty() ? "~" : ipKey(a.ips().get(0)));
            case "lastSeen" -> Comparator.comparingLong(Inventory.Asset::lastSeen);
            case "firstSeen" -> Comparator.comparingLong(Inventory.Asset::firstSeen);
            default -> Comparator.comparing(Inventory.Asset::id);
        };
        cmp = cmp.thenComparing(Inventory.Asset::id);
        match.sort(desc ? cmp.reversed() : cmp);
        int pages = Math.max(1, (match.size() + PAGE - 1) / PAGE);
        pageNo = Math.min(pageNo, pages);
        Map<String, String> state = new LinkedHashMap<>();
        if (!q.isEmpty()) state.put("q", p.get("q").trim());
        if (cls != null) state.put("class", cls);
        if (proto != null) state.put("protocol", proto);
        if (vendor != null) state.put("vendor", vendor);
        if (zone != null) state.put("zone", zone);
        state.put("sort", sort);
        if (desc) state.put("dir", "desc");

        Html t = new Html();
        t.raw("<p class=\"summary\" id=\"match-count\" data-count=\"").text(match.size()).raw("\">").text(match.size()).raw(" of ").text(inv.assets().size())
                .raw(" assets · page ").text(pageNo).raw(" of ").text(pages).raw("</p>");
        t.raw("<table class=\"assets\" id=\"assets\"><thead><tr>");
        for (String[] col : new String[][] {{"id", "Asset"}, {"ip", "IP"}, {"class", "Class"}, {"vendor", "Vendor"}, {"model", "Model"},
                {"name", "Name"}, {null, "Protocols"}, {"lastSeen", "Last seen"}}) {
            if (col[0] == null) {
                t.el("th", col[1]);
                continue;
            }
            Map<String, String> s = new LinkedHashMap<>(state);
            s.put("sort", col[0]);
            if (col[0].equals(sort) && !desc) s.put("dir", "desc"); else s.remove("dir");
            String href = "/console/assets?" + query(s);
            t.raw("<th><a href=\"").text(href).raw("\" hx-get=\"").text(href).raw("\" hx-target=\"#asset-results\" hx-push-url=\"true\">")
                    .text(col[1]).raw(col[0].equals(sort) ? (desc ? " ▼" : " ▲") : "").raw("</a></th>");
        }
        t.raw("</tr></thead><tbody>");
        for (int i = (pageNo - 1) * PAGE; i < Math.min(match.size(), pageNo * PAGE); i++) {
            Inventory.Asset a = match.get(i);
            t.raw("<tr class=\"asset\"><td>").a(assetHref(a.id()), a.id()).raw("</td>").td(String.join(" ", a.ips())).td(a.deviceClass())
                    .td(a.vendor()).td(a.model()).td(a.name()).td(String.join(" ", protocols(a))).td(time(a.lastSeen())).raw("</tr>");
        }
        t.raw("</tbody></table><nav class=\"pager\">");
        if (pageNo > 1) pageLink(t, state, pageNo - 1, "‹ previous");
        if (pageNo < pages) pageLink(t, state, pageNo + 1, "next ›");
        t.raw("</nav>");
        if (fragment) return t.toString();

        Html h = new Html();
        h.raw("<form class=\"filters\" id=\"asset-filter\" method=\"get\" action=\"/console/assets\" hx-get=\"/console/assets\" hx-target=\"#asset-results\" ")
                .raw("hx-push-url=\"true\" hx-trigger=\"input changed delay:250ms from:#q, change, submit\">")
                .raw("<input type=\"search\" id=\"q\" name=\"q\" placeholder=\"search id, IP, MAC, vendor, model, name, serial\" value=\"").text(p.getOrDefault("q", "")).raw("\">");
        select(h, "class", "all classes", classes, cls);
        select(h, "protocol", "all protocols", protos, proto);
        select(h, "vendor", "all vendors", vendors, vendor);
        select(h, "zone", model.site().hasZones() ? "all zones" : "all subnets", zones, zone);
        h.raw("<input type=\"hidden\" name=\"sort\" value=\"").text(sort).raw("\">");
        if (desc) h.raw("<input type=\"hidden\" name=\"dir\" value=\"desc\">");
        h.raw("<button type=\"submit\">Filter</button></form><div id=\"asset-results\">").raw(t.toString()).raw("</div>");
        return page("Assets", h.toString(), true);
    }

    private static void pageLink(Html t, Map<String, String> state, int page, String label) {
        Map<String, String> s = new LinkedHashMap<>(state);
        s.put("page", Integer.toString(page));
        String href = "/console/assets?" + query(s);
        t.raw("<a class=\"page\" href=\"").text(href).raw("\" hx-get=\"").text(href).raw("\" hx-target=\"#asset-results\" hx-push-url=\"true\">").text(label).raw("</a>");
    }

    private static void select(Html h, String name, String all, Map<String, Integer> values, String selected) {
        h.raw("<select name=\"").text(name).raw("\" id=\"f-").text(name).raw("\"><option value=\"\">").text(all).raw("</option>");
        int n = 0;
        for (var e : values.entrySet()) {
            if (++n > 500 && !e.getKey().equals(selected)) continue;   // a select of thousands of vendors helps nobody
            h.raw("<option value=\"").text(e.getKey()).raw("\"").raw(e.getKey().equals(selected) ? " selected" : "").raw(">")
                    .text(e.getKey()).raw(" (").text(e.getValue()).raw(")</option>");
        }
        h.raw("</select>");
    }

    private static boolean matches(Inventory.Asset a, String q) {
        if (a.id().toLowerCase(Locale.ROOT).contains(q)) return true;
        for (String s : a.ips()) if (s.contains(q)) return true;
        for (String s : a.macs()) if (s.toLowerCase(Locale.ROOT).contains(q)) return true;
        for (String s : new String[] {a.vendor(), a.model(), a.name(), a.firmware(), a.serial(), a.deviceClass()})
            if (s != null && s.toLowerCase(Locale.ROOT).contains(q)) return true;
        return false;
    }

    private static String ipKey(String ip) {
        String[] o = ip.split("\\.");
        if (o.length != 4) return "~" + ip;
        StringBuilder b = new StringBuilder();
        for (String x : o) b.append("000", 0, Math.max(0, 3 - x.length())).append(x).append('.');
        return b.toString();
    }

    private static int parsePage(String s) {
        try {
            int v = Integer.parseInt(s);
            if (v < 1 || v > 1_000_000) throw new IllegalArgumentException("page must be 1..1000000");
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("page must be a number");
        }
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static String n(String s) {
        return s == null ? "\uffff" : s.toLowerCase(Locale.ROOT);
    }

    static String query(Map<String, String> m) {
        StringBuilder b = new StringBuilder();
        for (var e : m.entrySet()) {
            if (b.length() > 0) b.append('&');
            b.append(enc(e.getKey())).append('=').append(enc(e.getValue()));
        }
        return b.toString();
    }

    // ------------------------------------------------------------------ asset detail

    private Reply asset(String id) {
        Inventory inv = model.inventory();
        Inventory.Asset a = inv.asset(id);
        if (a == null) return Reply.html(404, page("Not found", new Html().raw("<p>No asset ").text(id).raw("</p>").toString(), true));
        Html h = new Html();
        h.raw("<table class=\"kv\" id=\"asset-summary\">");
        for (String[] kv : new String[][] {{"Id", a.id()}, {"IPs", String.join(" ", a.ips())}, {"MACs", String.join(" ", a.macs())},
                {"Vendor", a.vendor()}, {"Model", a.model()}, {"Firmware", a.firmware()}, {"Serial", a.serial()}, {"Name", a.name()},
                {"Class", a.deviceClass() == null ? null : a.deviceClass() + " (confidence " + a.classConfidence() + "; rules " + String.join(", ", a.classRules()) + ")"},
                {"Zone / subnet", model.group(a)}, {"First seen", time(a.firstSeen())}, {"Last seen", time(a.lastSeen())}}) {
            h.raw("<tr>").el("th", kv[0]).raw("<td class=\"v-").text(kv[0].toLowerCase(Locale.ROOT).replace(' ', '-')).raw("\">").text(kv[1]).raw("</td></tr>");
        }
        h.raw("</table><h2>Attributes</h2><table id=\"attributes\"><thead><tr><th>Attribute</th><th>Value</th><th>Source</th><th>Confidence</th><th>First seen</th><th>Last seen</th></tr></thead><tbody>");
        for (Inventory.Attribute at : a.attributes()) {
            h.raw("<tr class=\"attribute\">").td(at.name()).raw("<td class=\"value\">").text(at.value()).raw("</td>").td(at.source()).td(at.confidence())
                    .td(time(at.firstSeen())).td(time(at.lastSeen())).raw("</tr>");
        }
        h.raw("</tbody></table><h2>Services and roles</h2><table id=\"services\"><thead><tr><th>Protocol</th><th>Role</th><th>Transport</th><th>Port</th><th>Details</th></tr></thead><tbody>");
        for (Inventory.Service s : a.services()) {
            StringBuilder d = new StringBuilder();
            s.details().forEach((k, v) -> d.append(d.length() > 0 ? "; " : "").append(k).append('=').append(v));
            h.raw("<tr>").td(s.protocol()).td(s.role()).td(s.transport()).td(s.port() == 0 ? "" : s.port()).td(d).raw("</tr>");
        }
        h.raw("</tbody></table><h2>Communications</h2><table id=\"communications\"><thead><tr><th>Client</th><th>Server</th><th>Protocol</th><th>Packets</th><th>Operations</th><th>Last seen</th></tr></thead><tbody>");
        for (Inventory.Communication c : inv.communications()) {
            if (!c.client().equals(a.id()) && !c.server().equals(a.id())) continue;
            h.raw("<tr><td>").a(assetHref(c.client()), c.client()).raw("</td><td>").a(assetHref(c.server()), c.server()).raw("</td>")
                    .td(c.protocol() + "/" + c.transport() + (c.port() == 0 ? "" : "/" + c.port())).td(c.packets()).raw("<td>");
            for (Inventory.Operation o : c.operations()) {
                h.raw("<span class=\"op op-").text(o.kind().toLowerCase(Locale.ROOT)).raw("\">").text(o.name()).raw(" (").text(o.kind()).raw(") ×").text(o.count()).raw("</span> ");
            }
            h.raw("</td>").td(time(c.lastSeen())).raw("</tr>");
        }
        h.raw("</tbody></table><h2>Events</h2><table class=\"events\" id=\"asset-events\">");
        List<ConsoleModel.Numbered> ev = model.events(null, a.id());
        for (int i = 0; i < Math.min(200, ev.size()); i++) eventRow(h, ev.get(i));
        h.raw("</table>");
        if (ev.isEmpty()) h.raw("<p class=\"muted\">No change events for this asset.</p>");
        h.raw("<h2>Findings</h2>");
        int nf = 0;
        for (Finding f : model.report().result().findings()) {
            if (!f.assets().contains(a.id())) continue;
            finding(h, f);
            nf++;
        }
        if (nf == 0) h.raw("<p class=\"muted\">No finding names this asset.</p>");
        return Reply.html(200, page("Asset " + label(a), h.toString(), true));
    }

    private void finding(Html h, Finding f) {
        h.raw("<div class=\"finding status-").text(f.status().word).raw("\"><p><strong>").text(f.ruleId()).raw(" ").text(f.title()).raw("</strong> · ")
                .text(f.status().word).raw(" · ").text(f.severity()).raw("</p><p>").text(f.summary()).raw("</p>");
        if (f.basis() != null) h.raw("<p class=\"basis\">Basis: ").text(f.basis()).raw("</p>");
        if (!f.assets().isEmpty()) {
            h.raw("<p>Assets: ");
            for (String id : f.assets().subList(0, Math.min(50, f.assets().size()))) h.a(assetHref(id), id).raw(" ");
            if (f.assets().size() > 50) h.raw("… (").text(f.assets().size()).raw(")");
            h.raw("</p>");
        }
        if (!f.communications().isEmpty()) {
            h.raw("<p>Communications: ").text(String.join(", ", f.communications().subList(0, Math.min(50, f.communications().size())))).raw("</p>");
        }
        h.raw("<p class=\"muted\">Seen ").text(time(f.firstSeen())).raw(" – ").text(time(f.lastSeen())).raw("</p></div>");
    }

    // ------------------------------------------------------------------ map

    private String mapPage() {
        Html h = new Html();
        int n = model.inventory().assets().size();
        h.raw("<p class=\"summary\">").text(n).raw(" assets").raw(n > aggregateAbove ? " · grouped by " + (model.site().hasZones() ? "zone" : "subnet") + " (click a group to expand it)" : "")
                .raw(" · edges: thick red = write/control/program operations seen</p>");
        h.raw("<div class=\"map-wrap\"><div id=\"cy\" data-src=\"/console/map.json\"></div><aside id=\"node-info\"><p class=\"muted\">Hover or click a node.</p></aside></div>");
        h.raw("<div id=\"legend\"></div>");
        return page("Map", h.toString(), true);
    }

    /** Node colours by class; unknown classes get a stable colour from their name. */
    static String color(String cls) {
        if (cls == null) return "#9aa0a6";
        return switch (cls) {
            case "plc" -> "#1f77b4";
            case "rtu" -> "#2ca02c";
            case "ied", "protection-relay" -> "#9467bd";
            case "hmi" -> "#ff7f0e";
            case "scada-server", "scada", "engineering-workstation" -> "#d62728";
            case "meter" -> "#8c564b";
            case "inverter" -> "#e377c2";
            default -> {
                String[] palette = {"#17becf", "#bcbd22", "#7f7f7f", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173"};
                yield palette[Math.floorMod(cls.hashCode(), palette.length)];
            }
        };
    }

    private Reply mapJson(Map<String, String> p) {
        for (String k : p.keySet()) if (!k.equals("expand")) throw new IllegalArgumentException("unknown parameter: " + k);
        Inventory inv = model.inventory();
        boolean aggregate = inv.assets().size() > aggregateAbove;
        java.util.Set<String> expand = new java.util.HashSet<>();
        if (p.containsKey("expand")) for (String g : p.get("expand").split(",")) if (!g.isBlank()) expand.add(URLDecoder.decode(g, StandardCharsets.UTF_8));
        Map<String, String> nodeOf = new HashMap<>();
        Map<String, Integer> groupSize = new TreeMap<>();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (var g = new com.fasterxml.jackson.core.JsonFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeBooleanField("aggregated", aggregate);
            g.writeArrayFieldStart("nodes");
            for (Inventory.Asset a : inv.assets()) {
                String grp = model.group(a);
                if (aggregate && !expand.contains(grp)) {
                    nodeOf.put(a.id(), "group:" + grp);
                    groupSize.merge(grp, 1, Integer::sum);
                    continue;
                }
                nodeOf.put(a.id(), a.id());
                g.writeStartObject();
                g.writeObjectFieldStart("data");
                g.writeStringField("id", a.id());
                g.writeStringField("label", label(a));
                g.writeStringField("kind", "asset");
                g.writeStringField("cls", a.deviceClass() == null ? "unknown" : a.deviceClass());
                g.writeStringField("color", color(a.deviceClass()));
                g.writeStringField("vendor", a.vendor());
                g.writeStringField("model", a.model());
                g.writeStringField("ips", String.join(" ", a.ips()));
                g.writeStringField("group", grp);
                g.writeStringField("href", assetHref(a.id()));
                if (aggregate) g.writeStringField("parent", "zone:" + grp);
                g.writeEndObject();
                g.writeEndObject();
            }
            for (var e : groupSize.entrySet()) {
                g.writeStartObject();
                g.writeObjectFieldStart("data");
                g.writeStringField("id", "group:" + e.getKey());
                g.writeStringField("label", e.getKey() + " (" + e.getValue() + ")");
                g.writeStringField("kind", "group");
                g.writeStringField("group", e.getKey());
                g.writeNumberField("size", e.getValue());
                g.writeStringField("color", "#cfd8dc");
                g.writeEndObject();
                g.writeEndObject();
            }
            if (aggregate) {
                for (String grp : expand) {
                    g.writeStartObject();
                    g.writeObjectFieldStart("data");
                    g.writeStringField("id", "zone:" + grp);
                    g.writeStringField("label", grp);
                    g.writeStringField("kind", "zone");
                    g.writeStringField("group", grp);
                    g.writeEndObject();
                    g.writeEndObject();
                }
            }
            g.writeEndArray();
            g.writeArrayFieldStart("edges");
            Map<String, long[]> seen = new HashMap<>();
            Map<String, String[]> meta = new LinkedHashMap<>();
            for (Inventory.Communication c : inv.communications()) {
                String s = nodeOf.get(c.client()), t = nodeOf.get(c.server());
                if (s == null || t == null || s.equals(t)) continue;
                boolean danger = false;
                for (Inventory.Operation o : c.operations()) danger |= o.kind().equals("WRITE") || o.kind().equals("CONTROL") || o.kind().equals("PROGRAM");
                String key = s + "\u0000" + t + "\u0000" + c.protocol();
                long[] agg = seen.computeIfAbsent(key, k -> new long[2]);
                agg[0] += c.packets();
                if (danger) agg[1] = 1;
                meta.putIfAbsent(key, new String[] {s, t, c.protocol()});
            }
            int i = 0;
            for (var e : meta.entrySet()) {
                long[] agg = seen.get(e.getKey());
                g.writeStartObject();
                g.writeObjectFieldStart("data");
                g.writeStringField("id", "e" + i++);
                g.writeStringField("source", e.getValue()[0]);
                g.writeStringField("target", e.getValue()[1]);
                g.writeStringField("protocol", e.getValue()[2]);
                g.writeStringField("color", protoColor(e.getValue()[2]));
                g.writeNumberField("packets", agg[0]);
                g.writeEndObject();
                if (agg[1] == 1) g.writeStringField("classes", "danger");
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Reply(200, "application/json", out.toByteArray(), Map.of(), false);
    }

    static String protoColor(String proto) {
        String[] palette = {"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"};
        return palette[Math.floorMod(proto.hashCode(), palette.length)];
    }

    // ------------------------------------------------------------------ events

    private String eventsPage(Map<String, String> p, boolean fragment) {
        for (String k : p.keySet()) if (!List.of("type", "page").contains(k)) throw new IllegalArgumentException("unknown parameter: " + k);
        String type = blank(p.get("type"));
        int pageNo = p.containsKey("page") ? parsePage(p.get("page")) : 1;
        List<ConsoleModel.Numbered> ev = model.events(type, null);
        int per = 100, pages = Math.max(1, (ev.size() + per - 1) / per);
        pageNo = Math.min(pageNo, pages);
        Html t = new Html();
        t.raw("<p class=\"summary\" id=\"event-count\">").text(ev.size()).raw(" events").raw(type == null ? "" : " of type ").text(type == null ? "" : type)
                .raw(" · page ").text(pageNo).raw(" of ").text(pages).raw("</p><table class=\"events\" id=\"events\"><thead><tr><th>Time</th><th>Type</th><th>Asset</th><th>Subject</th><th>Old</th><th>New</th></tr></thead><tbody>");
        for (int i = (pageNo - 1) * per; i < Math.min(ev.size(), pageNo * per); i++) eventRow(t, ev.get(i));
        t.raw("</tbody></table><nav class=\"pager\">");
        for (int np : new int[] {pageNo - 1, pageNo + 1}) {
            if (np < 1 || np > pages) continue;
            Map<String, String> s = new LinkedHashMap<>();
            if (type != null) s.put("type", type);
            s.put("page", Integer.toString(np));
            String href = "/console/events?" + query(s);
            t.raw("<a class=\"page\" href=\"").text(href).raw("\" hx-get=\"").text(href).raw("\" hx-target=\"#event-results\">").text(np < pageNo ? "‹ newer" : "older ›").raw("</a>");
        }
        t.raw("</nav>");
        if (fragment) return t.toString();
        Html h = new Html();
        String self = "/console/events" + (type == null ? "" : "?type=" + enc(type));
        h.raw("<form class=\"filters\" method=\"get\" action=\"/console/events\" hx-get=\"/console/events\" hx-target=\"#event-results\" hx-trigger=\"change\"><select name=\"type\" id=\"f-type\"><option value=\"\">all types</option>");
        for (String ty : List.of("asset.new", "asset.silent", "attribute.learned", "attribute.changed", "service.new", "communication.new", "operation.first")) {
            h.raw("<option value=\"").text(ty).raw("\"").raw(ty.equals(type) ? " selected" : "").raw(">").text(ty).raw("</option>");
        }
        h.raw("</select><button type=\"submit\">Filter</button></form>");
        if (!model.live()) h.raw("<p class=\"muted\">An offline analysis has no change events: run the agent for a timeline.</p>");
        h.raw("<div id=\"event-results\" hx-get=\"").text(self).raw("\" hx-trigger=\"gs-change from:body\">").raw(t.toString()).raw("</div>");
        return page("Events", h.toString(), true);
    }

    // ------------------------------------------------------------------ findings, register

    private String findings() {
        EvidenceReport r = model.report();
        Html h = new Html();
        Map<String, Integer> counts = r.findingCounts();
        h.raw("<p class=\"summary\" id=\"finding-counts\">").text(model.standard()).raw(": ");
        counts.forEach((k, v) -> h.text(v).raw(" ").text(k).raw(" · "));
        h.raw("rules ").text(r.rulesVersion()).raw("</p>");
        for (String theme : r.themes()) {
            Html sec = new Html();
            int shown = 0;
            for (Control c : ControlCatalog.get().controls(model.standard())) {
                if (!c.theme().equals(theme)) continue;
                String assessment = r.assessment(c.id());
                if (assessment.equals(EvidenceReport.NOT_ASSESSABLE)) continue;
                shown++;
                sec.raw("<details class=\"control assess-").text(assessment).raw("\"").raw(r.findingsFor(c.id()).isEmpty() ? "" : " open").raw("><summary><strong>")
                        .text(c.id()).raw("</strong> ").text(c.title()).raw(" — <span class=\"assessment\">").text(assessment).raw("</span></summary>");
                sec.raw("<p class=\"muted\">Rules: ").text(String.join(", ", r.rulesFor(c.id()))).raw("</p>");
                for (Finding f : r.findingsFor(c.id())) finding(sec, f);
                sec.raw("</details>");
            }
            if (shown > 0) h.raw("<h2>").text(theme).raw("</h2>").raw(sec.toString());
        }
        if (!r.result().notEvaluated().isEmpty()) {
            h.raw("<h2>Rules not evaluated</h2><table>");
            r.result().notEvaluated().forEach((k, v) -> h.raw("<tr>").td(k).td(v).raw("</tr>"));
            h.raw("</table>");
        }
        return page("Findings", h.toString(), true);
    }

    private String register() {
        Html h = new Html();
        Reconciliation rec = model.report().reconciliation();
        if (rec == null) {
            h.raw("<p class=\"muted\" id=\"no-register\">No asset register was given (analyze --register FILE, or register: in the site file).</p>");
            return page("Register", h.toString(), true);
        }
        h.raw("<p class=\"summary\">");
        rec.counts().forEach((k, v) -> h.text(v).raw(" ").text(k).raw(" · "));
        h.raw("</p><table id=\"reconciliation\"><thead><tr><th>Status</th><th>Register entry</th><th>Asset</th><th>Matched by</th><th>Differences</th></tr></thead><tbody>");
        for (Reconciliation.Row row : rec.rows()) {
            h.raw("<tr class=\"rec-").text(row.status().word).raw("\">").td(row.status().word).td(row.entry() == null ? "" : row.entry().label()).raw("<td>");
            if (row.asset() != null) h.a(assetHref(row.asset().id()), row.asset().id());
            h.raw("</td>").td(row.matchedBy()).raw("<td>");
            for (Reconciliation.Diff d : row.diffs()) h.text(d.field()).raw(": declared ").el("q", d.declared()).raw(", observed ").el("q", d.observed()).raw("<br>");
            h.raw("</td></tr>");
        }
        h.raw("</tbody></table>");
        return page("Register", h.toString(), true);
    }

    // ------------------------------------------------------------------ downloads

    private String downloads() {
        Html h = new Html();
        h.raw("<ul class=\"downloads\"><li>").a("/console/download/inventory.json", "inventory.json").raw(" — the inventory (schema gridscout.inventory/1)</li>")
                .raw("<li>").a("/console/download/assets.csv", "assets.csv").raw(" — flat asset register</li>")
                .raw("<li>").a("/console/download/evidence-pack.zip", "evidence-pack.zip").raw(" — evidence pack for ").text(model.standard())
                .raw(" (report.html/.pdf, findings.json, assets.csv, reconciliation.csv)</li></ul>");
        return page("Downloads", h.toString(), true);
    }

    private static Reply download(String name, String type, byte[] body) {
        return new Reply(200, type, body, Map.of("Content-Disposition", "attachment; filename=\"" + name + "\""), false);
    }

    private byte[] inventoryJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            InventoryJson.write(model.inventory(), model.version(), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private byte[] assetsCsv() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStreamWriter w = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
            InventoryCsv.write(model.inventory(), w);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private byte[] evidenceZip() {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("gridscout-pack");
            EvidencePack.write(model.report(), dir);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ZipOutputStream z = new ZipOutputStream(out); Stream<Path> files = Files.list(dir)) {
                for (Path f : files.sorted().toList()) {
                    z.putNextEntry(new ZipEntry("evidence-pack/" + f.getFileName()));
                    Files.copy(f, z);
                    z.closeEntry();
                }
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (dir != null) {
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path f : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
                } catch (IOException e) {
                    // a temp directory left behind is not worth failing the download
                }
            }
        }
    }

    // ------------------------------------------------------------------ static, params

    private Reply staticFile(String path) {
        String[] r = STATIC.get(path);
        byte[] body;
        synchronized (staticCache) {
            body = staticCache.get(path);
            if (body == null) {
                try (InputStream in = ConsoleRoutes.class.getClassLoader().getResourceAsStream(r[0])) {
                    if (in == null) return new Reply(404, "text/plain; charset=utf-8", ("missing resource " + r[0] + "\n").getBytes(StandardCharsets.UTF_8), Map.of(), false);
                    body = in.readAllBytes();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                staticCache.put(path, body);
            }
        }
        return new Reply(200, r[1], body, Map.of("Cache-Control", "max-age=3600"), false);
    }

    static Map<String, String> params(String query) {
        Map<String, String> m = new LinkedHashMap<>();
        if (query.isEmpty()) return m;
        String[] parts = query.split("&", 33);
        if (parts.length > 32) throw new IllegalArgumentException("too many parameters");
        for (String part : parts) {
            if (part.isEmpty()) continue;
            int eq = part.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
            if (v.length() > 1000) throw new IllegalArgumentException("parameter too long: " + k);
            m.put(k, v);
        }
        return m;
    }
}
