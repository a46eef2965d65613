package io.gridscout.agent.output;

import io.gridscout.mapping.inventory.Inventory;

import java.io.IOException;
import java.io.Writer;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A flat asset register, one row per asset (RFC 4180 quoting). The header names are the register template the
 * reconciliation reads, so a capture's CSV can start a declared register.
 */
public final class InventoryCsv {
    public static final List<String> HEADER = List.of("id", "ips", "macs", "vendor", "model", "firmware", "serial", "name",
            "deviceClass", "protocols", "roles", "firstSeen", "lastSeen");

    private InventoryCsv() {}

    public static void write(Inventory inv, Writer out) throws IOException {
        row(out, HEADER);
        for (Inventory.Asset a : inv.assets()) {
            Set<String> protocols = new LinkedHashSet<>(), roles = new LinkedHashSet<>();
            for (Inventory.Service s : a.services()) {
                protocols.add(s.protocol());
                roles.add(s.protocol() + ":" + s.role());
            }
            row(out, List.of(a.id(), String.join(" ", a.ips()), String.join(" ", a.macs()), n(a.vendor()), n(a.model()),
                    n(a.firmware()), n(a.serial()), n(a.name()), a.deviceClass(), String.join(" ", protocols),
                    String.join(" ", roles), n(Times.iso(a.firstSeen())), n(Times.iso(a.lastSeen()))));
        }
        out.flush();
    }

    private static String n(String s) {
        return s == null ? "" : s;
    }

    public static void row(Writer out, List<String> cells) throws IOException {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) out.write(',');
            String c = cells.get(i);
            // a leading =,+,-,@ would be a formula in a spreadsheet: wire strings are hostile
            if (!c.isEmpty() && "=+-@".indexOf(c.charAt(0)) >= 0 && !c.matches("-?[0-9.]+")) c = "'" + c;
            if (c.indexOf(',') >= 0 || c.indexOf('"') >= 0 || c.indexOf('\n') >= 0 || c.indexOf('\r') >= 0) {
                out.write('"');
                out.write(c.replace("\"", "\"\""));
                out.write('"');
            } else {
                out.write(c);
            }
        }
        out.write("\r\n");
    }
}
