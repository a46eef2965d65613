package io.gridscout.mapping.register;

import java.util.List;
import java.util.Map;

/**
 * One declared asset of the operator's register. Empty strings are normalised to null; {@code line} is the
 * 1-based row (CSV) or index (JSON) for the report; {@code extra} keeps unmapped columns.
 */
public record RegisterEntry(String id, String name, List<String> ips, List<String> macs, String vendor, String model,
                            String firmware, String serial, String zone, Map<String, String> extra, int line) {
    public RegisterEntry {
        ips = List.copyOf(ips);
        macs = List.copyOf(macs);
        extra = Map.copyOf(extra);
        id = blank(id);
        name = blank(name);
        vendor = blank(vendor);
        model = blank(model);
        firmware = blank(firmware);
        serial = blank(serial);
        zone = blank(zone);
    }

    /** The id shown in reports: the declared id, else name, else first IP or MAC. */
    public String label() {
        if (id != null) return id;
        if (name != null) return name;
        if (!ips.isEmpty()) return ips.get(0);
        if (!macs.isEmpty()) return macs.get(0);
        return "line " + line;
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
