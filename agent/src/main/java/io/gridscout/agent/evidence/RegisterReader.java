package io.gridscout.agent.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gridscout.mapping.register.RegisterEntry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a declared asset register: CSV with a header row (our template = the header `analyze --csv` writes;
 * NetBox device exports and common spreadsheet names are mapped by header, see {@link #FIELDS}) or JSON (an
 * array of objects, or an object with "assets", e.g. gridscout's own inventory JSON).
 */
public final class RegisterReader {
    /** Normalised header name (lower case, letters and digits only) to our field. */
    static final Map<String, String> FIELDS = new HashMap<>();

    static {
        alias("id", "id", "assetid", "asset", "assettag", "tag");
        alias("name", "name", "hostname", "devicename", "device");
        alias("ips", "ips", "ip", "ipaddress", "ipaddresses", "primaryip", "primaryipv4", "primaryipv6", "oobip", "address");
        alias("macs", "macs", "mac", "macaddress", "macaddresses", "primarymac");
        alias("vendor", "vendor", "manufacturer", "make");
        alias("model", "model", "type", "devicetype", "product", "productname", "partnumber");
        alias("firmware", "firmware", "firmwareversion", "version", "softwareversion", "swversion");
        alias("serial", "serial", "serialnumber", "sn");
        alias("zone", "zone", "securityzone", "site");
    }

    private RegisterReader() {}

    private static void alias(String field, String... names) {
        for (String n : names) FIELDS.put(n, field);
    }

    static String norm(String header) {
        StringBuilder b = new StringBuilder();
        for (char c : header.toLowerCase(Locale.ROOT).toCharArray()) if (Character.isLetterOrDigit(c)) b.append(c);
        return b.toString();
    }

    public static List<RegisterEntry> read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (!text.isEmpty() && text.charAt(0) == '\uFEFF') text = text.substring(1);
        String t = text.stripLeading();
        if (t.startsWith("[") || t.startsWith("{")) return json(text, file);
        return csv(text, file);
    }

    static List<RegisterEntry> csv(String text, Path file) {
        List<List<String>> rows = parseCsv(text);
        if (rows.isEmpty()) return List.of();
        List<String> header = rows.get(0);
        String[] fieldOf = new String[header.size()];
        boolean any = false;
        for (int i = 0; i < header.size(); i++) {
            fieldOf[i] = FIELDS.get(norm(header.get(i)));
            if (fieldOf[i] != null) any = true;
        }
        if (!any) throw new IllegalArgumentException(file + ": no known register column in the header (see docs/evidence.md)");
        List<RegisterEntry> out = new ArrayList<>();
        for (int r = 1; r < rows.size(); r++) {
            List<String> row = rows.get(r);
            if (row.stream().allMatch(String::isBlank)) continue;
            Map<String, String> f = new HashMap<>();
            Map<String, String> extra = new LinkedHashMap<>();
            for (int i = 0; i < row.size() && i < header.size(); i++) {
                String v = unformula(row.get(i).trim());
                if (fieldOf[i] == null) {
                    if (!v.isEmpty()) extra.put(header.get(i), v);
                } else if (!v.isEmpty()) {
                    f.merge(fieldOf[i], v, (a, b) -> a + " " + b);
                }
            }
            out.add(entry(f, extra, r + 1, file + ":" + (r + 1) + ": "));
        }
        return out;
    }

    /** Our CSV writer prefixes formula-like cells with a quote; undo it. */
    private static String unformula(String v) {
        return v.length() > 1 && v.charAt(0) == '\'' && "=+-@".indexOf(v.charAt(1)) >= 0 ? v.substring(1) : v;
    }

    /**
     * {@code where} prefixes an error: an IP cell that is not an address literal (a host name, say) stops the read,
     * because names are never resolved and the entry would silently match nothing.
     */
    private static RegisterEntry entry(Map<String, String> f, Map<String, String> extra, int line, String where) {
        List<String> ips = split(f.get("ips"));
        for (String ip : ips) {
            if (io.gridscout.protocols.fact.IpAddr.parseOrNull(ip) == null) {
                throw new IllegalArgumentException(where + "'" + ip + "' in the IP column is not an IP address (literal addresses only, names are not resolved)");
            }
        }
        return new RegisterEntry(f.get("id"), f.get("name"), ips, split(f.get("macs")), f.get("vendor"), f.get("model"),
                f.get("firmware"), f.get("serial"), f.get("zone"), extra, line);
    }

    /** Multi-valued cells: space, comma or semicolon separated; a NetBox "10.0.0.1/24" keeps its address part. */
    static List<String> split(String s) {
        if (s == null) return List.of();
        List<String> out = new ArrayList<>();
        for (String p : s.split("[\\s,;]+")) {
            if (p.isEmpty()) continue;
            int slash = p.indexOf('/');
            out.add(slash > 0 ? p.substring(0, slash) : p);
        }
        return out;
    }

    static List<RegisterEntry> json(String text, Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(text);
        JsonNode arr = root.isArray() ? root : root.path("assets");
        if (!arr.isArray()) throw new IllegalArgumentException(file + ": expected an array of assets or an object with \"assets\"");
        List<RegisterEntry> out = new ArrayList<>();
        int i = 0;
        for (JsonNode n : arr) {
            i++;
            Map<String, String> f = new HashMap<>();
            Map<String, String> extra = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String field = FIELDS.get(norm(e.getKey()));
                String v = value(e.getValue());
                if (v == null || v.isEmpty()) continue;
                if (field == null) {
                    if (e.getValue().isValueNode()) extra.put(e.getKey(), v);
                } else f.merge(field, v, (a, b) -> a + " " + b);
            }
            out.add(entry(f, extra, i, file + ": asset " + i + ": "));
        }
        return out;
    }

    private static String value(JsonNode v) {
        if (v == null || v.isNull()) return null;
        if (v.isArray()) {
            List<String> parts = new ArrayList<>();
            for (JsonNode x : v) if (x.isValueNode()) parts.add(x.asText());
            return String.join(" ", parts);
        }
        if (v.isObject()) return v.path("address").isValueNode() ? v.path("address").asText() : null; // NetBox API primary_ip
        return v.asText();
    }

    /** RFC 4180: quoted fields with doubled quotes and embedded newlines; CRLF or LF rows. */
    static List<List<String>> parseCsv(String s) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false, any = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < s.length() && s.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else quoted = false;
                } else cell.append(c);
            } else if (c == '"') {
                quoted = true;
                any = true;
            } else if (c == ',') {
                row.add(cell.toString());
                cell.setLength(0);
                any = true;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') i++;
                row.add(cell.toString());
                cell.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
                any = false;
            } else {
                cell.append(c);
                any = true;
            }
        }
        if (any || cell.length() > 0) {
            row.add(cell.toString());
            rows.add(row);
        }
        return rows;
    }
}
