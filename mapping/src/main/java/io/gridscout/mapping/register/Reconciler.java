package io.gridscout.mapping.register;

import io.gridscout.mapping.inventory.Inventory;
import io.gridscout.mapping.site.Cidr;
import io.gridscout.mapping.site.SiteContext;
import io.gridscout.protocols.fact.IpAddr;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Matches declared entries to observed assets by MAC, then serial, then IP, then name (each asset is used once),
 * and lists field differences. A field the wire did not reveal is never a difference: passive observation sees
 * identities only when a device states them. Declared entries that no capture could have seen (their subnet or
 * zone had no observed host) are out-of-coverage rather than not-observed.
 */
public final class Reconciler {
    private Reconciler() {}

    public static Reconciliation reconcile(Inventory inv, List<RegisterEntry> register, SiteContext site) {
        List<Inventory.Asset> assets = inv.assets();
        boolean[] used = new boolean[assets.size()];
        List<Reconciliation.Row> rows = new ArrayList<>();
        Set<String> covered = coverage(assets, site);
        for (RegisterEntry e : register) {
            int idx = -1;
            String by = null;
            for (String key : List.of("mac", "serial", "ip", "name")) {
                idx = find(assets, used, e, key);
                if (idx >= 0) {
                    by = key;
                    break;
                }
            }
            if (idx < 0) {
                boolean inCoverage = e.ips().isEmpty() || e.ips().stream().anyMatch(ip -> covered.contains(segment(ip, site)));
                rows.add(new Reconciliation.Row(inCoverage ? Reconciliation.Status.NOT_OBSERVED : Reconciliation.Status.OUT_OF_COVERAGE,
                        e, null, null, List.of()));
                continue;
            }
            used[idx] = true;
            Inventory.Asset a = assets.get(idx);
            List<Reconciliation.Diff> diffs = diffs(e, a);
            rows.add(new Reconciliation.Row(diffs.isEmpty() ? Reconciliation.Status.MATCHED : Reconciliation.Status.MISMATCH, e, a, by, diffs));
        }
        for (int i = 0; i < assets.size(); i++) {
            if (!used[i]) rows.add(new Reconciliation.Row(Reconciliation.Status.UNREGISTERED, null, assets.get(i), null, List.of()));
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Reconciliation.Status s : Reconciliation.Status.values()) counts.put(s.word, 0);
        for (Reconciliation.Row r : rows) counts.merge(r.status().word, 1, Integer::sum);
        return new Reconciliation(List.copyOf(rows), counts);
    }

    private static int find(List<Inventory.Asset> assets, boolean[] used, RegisterEntry e, String key) {
        for (int i = 0; i < assets.size(); i++) {
            if (used[i]) continue;
            Inventory.Asset a = assets.get(i);
            boolean hit = switch (key) {
                case "mac" -> e.macs().stream().map(Reconciler::mac).anyMatch(m -> m != null && a.macs().stream().map(Reconciler::mac).anyMatch(m::equals));
                case "serial" -> e.serial() != null && a.serial() != null && norm(e.serial()).equals(norm(a.serial()));
                case "ip" -> e.ips().stream().map(Reconciler::ip).anyMatch(ip -> ip != null && a.ips().stream().map(Reconciler::ip).anyMatch(ip::equals));
                default -> e.name() != null && a.name() != null && norm(e.name()).equals(norm(a.name()));
            };
            if (hit) return i;
        }
        return -1;
    }

    static List<Reconciliation.Diff> diffs(RegisterEntry e, Inventory.Asset a) {
        List<Reconciliation.Diff> d = new ArrayList<>();
        // only what a protocol stated: the MAC prefix's vendor is the NIC maker (e.g. "Taiwan Commate" in a Schneider PLC)
        Inventory.Attribute vendor = stated(a, "vendor"), model = stated(a, "model"), firmware = stated(a, "firmware"), serial = stated(a, "serial");
        if (vendor != null) loose(d, "vendor", e.vendor(), vendor);
        if (model != null) loose(d, "model", e.model(), model);
        if (firmware != null) version(d, "firmware", e.firmware(), firmware);
        if (serial != null) exact(d, "serial", e.serial(), serial);
        // addresses: every declared one must be observed on the asset (extra observed ones are fine: DHCP, aliases)
        Set<IpAddr> obsIps = new HashSet<>();
        for (String ip : a.ips()) if (ip(ip) != null) obsIps.add(ip(ip));
        List<String> missingIps = e.ips().stream().filter(ip -> ip(ip) != null && !obsIps.contains(ip(ip))).toList();
        if (!missingIps.isEmpty() && !a.ips().isEmpty()) d.add(new Reconciliation.Diff("ip", String.join(" ", e.ips()), String.join(" ", a.ips())));
        Set<String> obsMacs = new HashSet<>();
        for (String m : a.macs()) if (mac(m) != null) obsMacs.add(mac(m));
        List<String> missingMacs = e.macs().stream().filter(m -> mac(m) != null && !obsMacs.contains(mac(m))).toList();
        if (!missingMacs.isEmpty() && !a.macs().isEmpty()) d.add(new Reconciliation.Diff("mac", String.join(" ", e.macs()), String.join(" ", a.macs())));
        return d;
    }

    /** Sources that are not a statement of the device itself (the IEEE OUI registry's NIC maker). */
    static final Set<String> NOT_STATED = Set.of("oui");

    /** The protocol-stated value of a field (highest confidence, then latest), or null when no protocol stated one. */
    static Inventory.Attribute stated(Inventory.Asset a, String field) {
        Inventory.Attribute best = null;
        for (Inventory.Attribute x : a.attributes()) {
            if (!x.name().equals(field) || NOT_STATED.contains(x.source())) continue;
            if (best == null || x.confidence() > best.confidence() || (x.confidence() == best.confidence() && x.lastSeen() > best.lastSeen())) best = x;
        }
        if (best == null && a.attributes().isEmpty()) {
            // an asset without attribute provenance (restored or built): its field values as they are
            String v = switch (field) {
                case "vendor" -> a.vendor();
                case "model" -> a.model();
                case "firmware" -> a.firmware();
                default -> a.serial();
            };
            return v == null ? null : new Inventory.Attribute(field, v, "asset", 0, 0, 0);
        }
        return best;
    }

    /** Vendor and model names vary in suffixes ("Schneider Electric" vs "Schneider Electric SE"): containment matches. */
    private static void loose(List<Reconciliation.Diff> d, String field, String declared, Inventory.Attribute observed) {
        if (declared == null || observed == null) return;
        String x = norm(declared), y = norm(observed.value());
        if (x.isEmpty() || y.isEmpty() || x.contains(y) || y.contains(x)) return;
        d.add(new Reconciliation.Diff(field, declared, observed.value(), observed.source()));
    }

    private static void exact(List<Reconciliation.Diff> d, String field, String declared, Inventory.Attribute observed) {
        if (declared == null || observed == null) return;
        if (!norm(declared).equals(norm(observed.value()))) d.add(new Reconciliation.Diff(field, declared, observed.value(), observed.source()));
    }

    /** Versions compare normalised: "v3.10" = "3.10", "4.03" = "4.3" (CIP revision 4.3); "3.10" is not "3.1". */
    private static void version(List<Reconciliation.Diff> d, String field, String declared, Inventory.Attribute observed) {
        if (declared == null || observed == null) return;
        if (!normVersion(declared).equals(normVersion(observed.value()))) d.add(new Reconciliation.Diff(field, declared, observed.value(), observed.source()));
    }

    static String normVersion(String s) {
        String t = s.trim().toLowerCase(java.util.Locale.ROOT);
        for (String p : List.of("firmware", "version", "rev.", "rev", "fw", "v")) {
            if (t.startsWith(p) && t.length() > p.length() && (Character.isDigit(t.charAt(p.length())) || t.charAt(p.length()) == ' ')) {
                t = t.substring(p.length()).trim();
                break;
            }
        }
        StringBuilder b = new StringBuilder();
        for (String part : t.split("[.\\s_-]+")) {
            if (part.isEmpty()) continue;
            if (b.length() > 0) b.append('.');
            String q = part.matches("\\d+") ? part.replaceFirst("^0+(?=\\d)", "") : part;
            b.append(q);
        }
        return b.toString();
    }

    static String norm(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = Character.toLowerCase(s.charAt(i));
            if (Character.isLetterOrDigit(c) || c == '.') b.append(c);
        }
        return b.toString();
    }

    /** MAC in canonical lower-case colon form, or null. Accepts ':', '-', '.' separated or bare hex. */
    static String mac(String s) {
        if (s == null) return null;
        StringBuilder hex = new StringBuilder(12);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.digit(c, 16) >= 0) hex.append(Character.toLowerCase(c));
            else if (c != ':' && c != '-' && c != '.' && c != ' ') return null;
        }
        if (hex.length() != 12) return null;
        StringBuilder out = new StringBuilder(17);
        for (int i = 0; i < 12; i += 2) {
            if (i > 0) out.append(':');
            out.append(hex, i, i + 2);
        }
        return out.toString();
    }

    static IpAddr ip(String s) {
        if (s == null) return null;
        int slash = s.indexOf('/');
        return Cidr.parseOrNull((slash >= 0 ? s.substring(0, slash) : s).trim());
    }

    /** Coverage key of an address: its declared zone, else its /24 (IPv4) or /64 (IPv6). */
    static String segment(String ipText, SiteContext site) {
        IpAddr a = ip(ipText);
        if (a == null) return "?";
        if (site != null && site.hasZones()) {
            SiteContext.Zone z = site.zoneOf(a.toString());
            if (z != null) return "zone:" + z.name();
        }
        return a.isV4() ? "v4:" + (a.v4Value() >>> 8) : "v6:" + Long.toHexString(a.hi());
    }

    private static Set<String> coverage(List<Inventory.Asset> assets, SiteContext site) {
        Set<String> s = new HashSet<>();
        for (Inventory.Asset a : assets) for (String ip : a.ips()) s.add(segment(ip, site));
        return s;
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
