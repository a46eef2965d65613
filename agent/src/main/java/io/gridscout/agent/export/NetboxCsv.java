package io.gridscout.agent.export;

import io.gridscout.agent.output.InventoryCsv;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * CSV files for NetBox's bulk import (Devices, Interfaces, IP addresses; NetBox 3.6+ and 4.x field names).
 * Import order: manufacturers.csv, device-roles.csv, device-types.csv (prerequisites NetBox will not create on the
 * fly), then devices.csv, interfaces.csv, and ip-addresses.csv last: a device's primary IP can only be set once the
 * address exists on one of its interfaces, so the address rows carry {@code device}, {@code interface} and
 * {@code is_primary} and NetBox sets the device's primary IP while importing them. Custom fields {@code firmware} and
 * {@code protocols} (type text, object type dcim.device) must exist before devices.csv is imported.
 */
public final class NetboxCsv {
    public static final List<String> DEVICE_HEADER = List.of("site", "name", "role", "manufacturer", "device_type", "serial",
            "status", "cf_firmware", "cf_protocols");
    public static final List<String> INTERFACE_HEADER = List.of("device", "name", "type", "description");
    public static final List<String> IP_HEADER = List.of("address", "status", "device", "interface", "is_primary", "description");

    private NetboxCsv() {}

    /** Writes devices.csv at {@code devicesCsv} and the other files beside it; returns the files written in import order. */
    public static List<Path> write(List<NetboxDevice> devices, Path devicesCsv) throws IOException {
        Path dir = devicesCsv.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        List<Path> files = new ArrayList<>();
        Set<String> manufacturers = new LinkedHashSet<>(), roles = new LinkedHashSet<>(), types = new LinkedHashSet<>();
        for (NetboxDevice d : devices) {
            manufacturers.add(d.manufacturer());
            roles.add(d.role());
            types.add(d.manufacturer() + "\u0000" + d.model());
        }
        files.add(table(dir.resolve("manufacturers.csv"), List.of("name", "slug"),
                manufacturers.stream().map(m -> List.of(m, NetboxDevice.slug(m))).toList()));
        files.add(table(dir.resolve("device-roles.csv"), List.of("name", "slug", "color"),
                roles.stream().map(r -> List.of(r, NetboxDevice.slug(r), "9e9e9e")).toList()));
        files.add(table(dir.resolve("device-types.csv"), List.of("manufacturer", "model", "slug"),
                types.stream().map(t -> t.split("\u0000", 2)).map(t -> List.of(t[0], t[1], NetboxDevice.slug(t[0] + "-" + t[1]))).toList()));
        List<List<String>> rows = new ArrayList<>(), ifs = new ArrayList<>(), ips = new ArrayList<>();
        for (NetboxDevice d : devices) {
            rows.add(List.of(d.site(), d.name(), d.role(), d.manufacturer(), d.model(), d.serial(), d.status(), d.firmware(), d.protocols()));
            ifs.add(List.of(d.name(), NetboxDevice.INTERFACE, "other", "seen by gridscout; MAC " + String.join(" ", d.macs())));
            String primary = d.primaryIp4() != null ? d.primaryIp4() : d.primaryIp6();
            for (String ip : d.ips()) {
                ips.add(List.of(NetboxDevice.cidr(ip), "active", d.name(), NetboxDevice.INTERFACE, String.valueOf(ip.equals(primary)),
                        "seen by gridscout (asset " + d.assetId() + ")"));
            }
        }
        files.add(table(devicesCsv, DEVICE_HEADER, rows));
        files.add(table(dir.resolve("interfaces.csv"), INTERFACE_HEADER, ifs));
        files.add(table(dir.resolve("ip-addresses.csv"), IP_HEADER, ips));
        return files;
    }

    private static Path table(Path file, List<String> header, List<List<String>> rows) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            InventoryCsv.row(w, header);
            for (List<String> r : rows) InventoryCsv.row(w, r);
        }
        return file;
    }
}
