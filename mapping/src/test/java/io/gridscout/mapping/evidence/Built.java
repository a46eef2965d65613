package io.gridscout.mapping.evidence;

import io.gridscout.mapping.inventory.Inventory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Builds small inventories for rule tests: assets keyed by IP, flows with operations and details. */
final class Built {
    static final long T0 = 1_700_000_000_000_000_000L;
    final List<Inventory.Asset> assets = new ArrayList<>();
    final List<Inventory.Communication> comms = new ArrayList<>();

    Built asset(String ip, String deviceClass, Inventory.Service... services) {
        assets.add(new Inventory.Asset(ip, List.of(), List.of(ip), null, null, null, null, null, deviceClass, 0.0, List.of(), List.of(services), List.of(), T0, T0 + 1_000_000_000L));
        return this;
    }

    Built identified(String ip, String mac, String vendor, String model, String firmware, String serial) {
        assets.add(new Inventory.Asset(ip, List.of(mac), List.of(ip), vendor, model, firmware, serial, null, "plc", 0.0, List.of(), List.of(), List.of(), T0, T0 + 5));
        return this;
    }

    static Inventory.Service svc(String protocol, String role, int port, Object... kv) {
        Map<String, List<Object>> d = new TreeMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) d.computeIfAbsent((String) kv[i], k -> new ArrayList<>()).add(kv[i + 1]);
        return new Inventory.Service(protocol, role, protocol.equals("udp") ? "udp" : "tcp", port, d);
    }

    Built flow(String client, String server, String protocol, int port, Object... opsAndDetails) {
        List<Inventory.Operation> ops = new ArrayList<>();
        List<Inventory.Detail> det = new ArrayList<>();
        for (Object o : opsAndDetails) {
            if (o instanceof Inventory.Operation op) ops.add(op);
            else if (o instanceof Inventory.Detail d) det.add(d);
        }
        String transport = protocol.equals("udp") ? "udp" : "tcp";
        comms.add(new Inventory.Communication(client, server, protocol, transport, port, 10, 1000, ops, det, T0 + 100, T0 + 900));
        return this;
    }

    static Inventory.Operation op(String name, String kind) {
        return new Inventory.Operation(1, name, 3, kind);
    }

    Inventory inventory() {
        return new Inventory(List.of(new Inventory.CaptureSummary("test.pcap", "00", 100, T0, T0 + 1_000_000_000L, List.of())),
                assets, comms, Map.of());
    }
}
