package io.gridscout.mapping.inventory;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Device class from decoded behaviour, never from ports: which protocol roles an asset plays and which
 * operations it performs. (The rule engine with operator-editable rules replaces this table.)
 */
final class DeviceClassifier {
    private static final Set<String> POLLED = Set.of("modbus", "dnp3", "iec104", "mms", "s7comm", "enip", "opcua", "bacnet");

    String classify(Inventory.Asset a, List<Inventory.Communication> comms) {
        Set<String> roles = new HashSet<>();
        for (Inventory.Service s : a.services()) roles.add(s.protocol() + "/" + s.role());
        boolean programs = false;
        Set<String> polledServers = new HashSet<>();
        for (Inventory.Communication c : comms) {
            if (!c.client().equals(a.id())) continue;
            if (POLLED.contains(c.protocol())) polledServers.add(c.server());
            for (Inventory.Operation o : c.operations()) if (o.kind().equals("program")) programs = true;
        }
        if (roles.contains("goose/publisher") || roles.contains("sv/publisher") || roles.contains("mms/server")) return "ied";
        if (roles.contains("dnp3/outstation") || roles.contains("iec104/server")) return "rtu";
        if (programs) return "engineering-workstation";
        if (roles.contains("s7comm/server") || roles.contains("enip/server") || roles.contains("modbus/server")) return "plc";
        if (polledServers.size() >= 3) return "scada-server";
        if (roles.contains("opcua/server")) return "scada-server";
        if (roles.contains("modbus/client") || roles.contains("opcua/client") || roles.contains("s7comm/client")) return "hmi";
        return "unknown";
    }
}
