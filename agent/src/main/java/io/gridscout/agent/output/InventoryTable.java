package io.gridscout.agent.output;

import io.gridscout.mapping.inventory.Inventory;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The human-readable inventory: one line per asset and a summary. */
public final class InventoryTable {
    private static final String[] HEAD = {"ASSET", "NAME", "IPS", "MAC", "VENDOR", "MODEL / FIRMWARE", "CLASS", "PROTOCOLS (ROLES)"};
    private static final int[] MAX = {39, 24, 31, 17, 28, 36, 23, 60};

    private InventoryTable() {}

    public static void print(Inventory inv, PrintStream out) {
        List<String[]> rows = new ArrayList<>();
        for (Inventory.Asset a : inv.assets()) {
            Map<String, Set<String>> roles = new TreeMap<>();
            for (Inventory.Service s : a.services()) roles.computeIfAbsent(s.protocol(), k -> new LinkedHashSet<>()).add(s.role());
            StringBuilder pr = new StringBuilder();
            roles.forEach((p, r) -> pr.append(pr.length() > 0 ? ", " : "").append(p).append(" (").append(String.join("/", r)).append(')'));
            String mf = join(a.model(), a.firmware());
            rows.add(new String[] {a.id(), n(a.name()), String.join(" ", a.ips()), a.macs().isEmpty() ? "" : a.macs().get(0) + (a.macs().size() > 1 ? "+" : ""),
                    n(a.vendor()), mf, a.deviceClass(), pr.toString()});
        }
        int[] w = new int[HEAD.length];
        for (int i = 0; i < HEAD.length; i++) w[i] = HEAD[i].length();
        for (String[] r : rows) for (int i = 0; i < r.length; i++) w[i] = Math.min(MAX[i], Math.max(w[i], r[i].length()));
        line(out, HEAD, w);
        for (String[] r : rows) line(out, r, w);
        out.println();
        Map<String, Integer> protocols = new TreeMap<>();
        for (Inventory.Communication c : inv.communications()) protocols.merge(c.protocol(), 1, Integer::sum);
        long packets = 0;
        for (Inventory.CaptureSummary c : inv.captures()) packets += c.packets();
        out.printf("%d assets, %d communications (%s) from %d packets in %d capture(s)%n", inv.assets().size(),
                inv.communications().size(), protocols.isEmpty() ? "none" : protocols.toString().replaceAll("[{}]", ""),
                packets, inv.captures().size());
        for (Inventory.CaptureSummary c : inv.captures()) for (String wmsg : c.warnings()) out.println("warning: " + wmsg);
    }

    private static String join(String a, String b) {
        if (a == null) return b == null ? "" : b;
        return b == null ? a : a + " / " + b;
    }

    private static String n(String s) {
        return s == null ? "" : s;
    }

    private static void line(PrintStream out, String[] cells, int[] w) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            String c = cells[i].replaceAll("\\p{Cntrl}", "?");
            if (c.length() > w[i]) c = c.substring(0, w[i] - 1) + "…";
            sb.append(c);
            if (i < cells.length - 1) sb.append(" ".repeat(w[i] - c.length() + 2));
        }
        out.println(sb.toString().stripTrailing());
    }
}
