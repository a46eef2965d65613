package io.gridscout.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gridscout.protocols.Protocols;
import io.gridscout.protocols.flow.EtherTypeProtocol;
import io.gridscout.protocols.flow.ProtocolSpec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares an inventory JSON (gridscout.inventory/1) with the generator's expected inventory: every expected
 * asset is present (by IP, or by MAC for Ethernet-only publishers) with its protocol roles and stated identity
 * strings. Protocols the pipeline does not decode yet (not in {@link Protocols}) are skipped and reported.
 */
public final class InventoryCheck {
    public record Report(int assetsExpected, int assetsFound, int checks, List<String> problems, Set<String> skippedProtocols) {
        public boolean ok() {
            return problems.isEmpty();
        }

        @Override
        public String toString() {
            return "expected assets " + assetsExpected + ", found " + assetsFound + ", " + checks + " checks, " + problems.size()
                    + " problems" + (skippedProtocols.isEmpty() ? "" : ", not decoded yet: " + skippedProtocols)
                    + (problems.isEmpty() ? "" : "\n  " + String.join("\n  ", problems.subList(0, Math.min(20, problems.size()))));
        }
    }

    public static Report check(Path expected, Path inventory) throws IOException {
        ObjectMapper om = new ObjectMapper();
        return check(om.readTree(expected.toFile()), om.readTree(inventory.toFile()));
    }

    public static Report check(JsonNode expected, JsonNode inventory) {
        Set<String> decoded = new HashSet<>();
        for (ProtocolSpec s : Protocols.ipProtocols()) decoded.add(s.name());
        for (EtherTypeProtocol p : Protocols.etherTypeProtocols()) decoded.add(p.name());
        decoded.add("s7comm");   // both ride ISO-on-TCP, decoded under its spec
        decoded.add("mms");
        Map<String, JsonNode> byIp = new HashMap<>(), byMac = new HashMap<>();
        for (JsonNode a : inventory.path("assets")) {
            for (JsonNode ip : a.path("ips")) byIp.put(ip.asText(), a);
            for (JsonNode m : a.path("macs")) byMac.put(m.asText(), a);
        }
        List<String> problems = new ArrayList<>();
        Set<String> skipped = new java.util.TreeSet<>();
        int found = 0, checks = 0, n = 0;
        for (JsonNode e : expected.path("assets")) {
            n++;
            String key = e.hasNonNull("ip") ? e.get("ip").asText() : e.get("mac").asText();
            JsonNode a = e.hasNonNull("ip") ? byIp.get(key) : byMac.get(key);
            boolean relevant = false;
            for (JsonNode s : e.path("services")) relevant |= decoded.contains(s.get("protocol").asText());
            if (a == null) {
                if (relevant) problems.add(key + ": asset missing");
                continue;
            }
            found++;
            for (JsonNode s : e.path("services")) {
                String proto = s.get("protocol").asText(), role = s.get("role").asText();
                if (!decoded.contains(proto)) {
                    skipped.add(proto);
                    continue;
                }
                checks++;
                boolean has = false;
                for (JsonNode as : a.path("services")) has |= proto.equals(as.path("protocol").asText()) && role.equals(as.path("role").asText());
                if (!has) problems.add(key + ": no " + proto + " " + role);
                if (!relevant) continue;
            }
            if (!relevant) continue;
            e.path("identity").fields().forEachRemaining(id -> {
                boolean has = false;
                for (JsonNode at : a.path("attributes")) has |= id.getKey().equals(at.path("name").asText()) && id.getValue().asText().equals(at.path("value").asText());
                if (!has) problems.add(key + ": no " + id.getKey() + "=" + id.getValue().asText());
            });
            checks += e.path("identity").size();
        }
        // the other way round: every asset of the inventory is one the generator made (no phantom devices)
        Set<String> expectedKeys = new HashSet<>();
        for (JsonNode e : expected.path("assets")) expectedKeys.add(e.hasNonNull("ip") ? e.get("ip").asText() : e.get("mac").asText());
        int unexpected = 0;
        String example = null;
        for (JsonNode a : inventory.path("assets")) {
            boolean known = false;
            for (JsonNode ip : a.path("ips")) known |= expectedKeys.contains(ip.asText());
            for (JsonNode m : a.path("macs")) known |= expectedKeys.contains(m.asText());
            if (!known) {
                unexpected++;
                if (example == null) example = a.path("id").asText();
            }
        }
        if (unexpected > 0) problems.add(unexpected + " assets not in the expected inventory (e.g. " + example + ")");
        return new Report(n, found, checks, problems, skipped);
    }

    public static void main(String[] args) throws IOException {
        Report r = check(Path.of(args[0]), Path.of(args[1]));
        System.out.println(r);
        System.exit(r.ok() ? 0 : 1);
    }
}
