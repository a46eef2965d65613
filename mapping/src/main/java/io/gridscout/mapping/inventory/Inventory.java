package io.gridscout.mapping.inventory;

import java.util.List;
import java.util.Map;

/**
 * A snapshot of what the wire showed: assets (one per physical device), their services and attributes with
 * provenance, and who talks to whom. Immutable; built by {@link InventoryBuilder#snapshot}. Times are
 * nanoseconds since the epoch; writers format them as ISO-8601 UTC.
 */
public record Inventory(List<CaptureSummary> captures, List<Asset> assets, List<Communication> communications,
                        Map<String, Long> counters) {

    public static final String SCHEMA = "gridscout.inventory/1";

    /** One input capture: file name, content hash, packet count, time window, warnings (damage, caps hit). */
    public record CaptureSummary(String file, String sha256, long packets, long start, long end, List<String> warnings) {}

    /**
     * One device. {@code deviceClass} is the winning class of the rule-based classifier, {@code classConfidence}
     * its combined confidence and {@code classRules} the ids of the rules that voted for it (the evidence).
     */
    public record Asset(String id, List<String> macs, List<String> ips, String vendor, String model, String firmware,
                        String serial, String name, String deviceClass, double classConfidence, List<String> classRules,
                        List<Service> services,
                        List<Attribute> attributes, long firstSeen, long lastSeen) {}

    /**
     * A protocol role an asset plays. {@code port} is the listening port for server-like roles, 0 when not
     * meaningful (clients use ephemeral ports; L2 protocols have none). {@code details} holds protocol
     * specific sets such as unitIds or linkAddresses.
     */
    public record Service(String protocol, String role, String transport, int port, Map<String, List<Object>> details) {}

    /** One value of one attribute, with where it came from and how sure we are. */
    public record Attribute(String name, String value, String source, double confidence, long firstSeen, long lastSeen) {}

    public record Communication(String client, String server, String protocol, String transport, int port,
                                long packets, long bytes, List<Operation> operations, List<Detail> details,
                                long firstSeen, long lastSeen) {}

    public record Operation(int code, String name, long count, String kind) {}

    public record Detail(String name, String value, long count) {}

    public Asset asset(String id) {
        for (Asset a : assets) if (a.id().equals(id)) return a;
        return null;
    }
}
