package io.gridscout.agent.export;

import io.gridscout.mapping.inventory.Inventory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One asset as NetBox sees it: a device of a device type (manufacturer + model) with a role at a site, one
 * interface ({@link #INTERFACE}) that carries the addresses seen on the wire, and the first IPv4 as primary.
 * What the wire did not say stays empty; manufacturer and model fall back to {@link #UNKNOWN} because NetBox
 * requires a device type.
 */
public record NetboxDevice(String assetId, String site, String name, String role, String manufacturer, String model,
                           String serial, String status, String firmware, String protocols, List<String> macs, List<String> ips) {
    public static final String UNKNOWN = "Unknown";
    public static final String INTERFACE = "gridscout0";

    /** Devices for every asset, with names made unique within the site (NetBox requires it). */
    public static List<NetboxDevice> of(Inventory inv, String site) {
        List<NetboxDevice> out = new ArrayList<>();
        Set<String> used = new HashSet<>();
        for (Inventory.Asset a : inv.assets()) {
            String base = baseName(a);
            String name = base;
            for (int i = 2; !used.add(name.toLowerCase(Locale.ROOT)); i++) name = base + "-" + i;
            Set<String> protocols = new LinkedHashSet<>();
            for (Inventory.Service s : a.services()) protocols.add(s.protocol());
            out.add(new NetboxDevice(a.id(), site, name, a.deviceClass() == null ? "unknown" : a.deviceClass(),
                    clean(a.vendor(), UNKNOWN), clean(a.model(), UNKNOWN), clean(a.serial(), ""), "active",
                    clean(a.firmware(), ""), String.join(",", protocols), a.macs(), a.ips()));
        }
        return out;
    }

    /** The device's own name when it states one, else class and address: stable across runs of the same wire. */
    static String baseName(Inventory.Asset a) {
        String n = clean(a.name(), "");
        if (!n.isEmpty()) return n.length() > 64 ? n.substring(0, 64) : n;
        String cls = a.deviceClass() == null ? "device" : a.deviceClass();
        return cls + "-" + a.id();
    }

    public String primaryIp4() {
        for (String ip : ips) if (ip.indexOf(':') < 0) return ip;
        return null;
    }

    public String primaryIp6() {
        if (primaryIp4() != null) return null;
        for (String ip : ips) if (ip.indexOf(':') >= 0) return ip;
        return null;
    }

    /** Host prefix length NetBox wants on an address. */
    public static String cidr(String ip) {
        return ip + (ip.indexOf(':') >= 0 ? "/128" : "/32");
    }

    /** NetBox slugs: lower case letters, digits, '-' and '_', at most 100 characters. */
    public static String slug(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toLowerCase(Locale.ROOT).toCharArray()) {
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') b.append(c);
            else if (b.length() > 0 && b.charAt(b.length() - 1) != '-') b.append('-');
        }
        while (b.length() > 0 && b.charAt(b.length() - 1) == '-') b.setLength(b.length() - 1);
        if (b.length() == 0) b.append("x");
        return b.length() > 100 ? b.substring(0, 100) : b.toString();
    }

    /** Wire strings: control characters out, trimmed, bounded (NetBox names are at most 64/100 characters). */
    static String clean(String s, String absent) {
        if (s == null) return absent;
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) b.append(c < 0x20 || c == 0x7f ? ' ' : c);
        String t = b.toString().trim();
        if (t.length() > 100) t = t.substring(0, 100);
        return t.isEmpty() ? absent : t;
    }
}
