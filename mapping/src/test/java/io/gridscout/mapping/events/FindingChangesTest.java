package io.gridscout.mapping.events;

import io.gridscout.mapping.evidence.EvidenceEngine;
import io.gridscout.mapping.evidence.Finding;
import io.gridscout.mapping.evidence.Status;
import io.gridscout.mapping.inventory.Inventory;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** finding.new events from the real evidence rules over built inventories. */
class FindingChangesTest {
    static final long S = 1_000_000_000L, T0 = 1_700_000_000L * S;

    static Inventory.Asset plc(String ip) {
        return new Inventory.Asset(ip, List.of(), List.of(ip), null, null, null, null, null, "plc", 0.9, List.of(),
                List.of(new Inventory.Service("modbus", "server", "tcp", 502, Map.of()), new Inventory.Service("tcp", "server", "tcp", 23, Map.of())),
                List.of(), T0, T0 + S);
    }

    static Inventory.Asset host(String ip) {
        return new Inventory.Asset(ip, List.of(), List.of(ip), null, null, null, null, null, "unknown", 0.0, List.of(), List.of(), List.of(), T0, T0 + S);
    }

    static Inventory.Communication flow(String client, String server, String protocol, int port) {
        return new Inventory.Communication(client, server, protocol, "tcp", port, 10, 1000, List.of(), List.of(), T0, T0 + S);
    }

    static Inventory inv(List<Inventory.Asset> assets, List<Inventory.Communication> comms) {
        return new Inventory(List.of(new Inventory.CaptureSummary("t.pcap", "00", 100, T0, T0 + 7200 * S, List.of())), assets, comms, Map.of());
    }

    static List<Finding> findings(Inventory inv) {
        return EvidenceEngine.evaluate(inv, null, null).findings();
    }

    static List<ChangeEvent> of(List<ChangeEvent> events, String rule) {
        List<ChangeEvent> out = new ArrayList<>();
        for (ChangeEvent e : events) if (rule.equals(e.subject())) out.add(e);
        return out;
    }

    @Test
    void newFindingsOnceAndNotWhenAFindingOnlyGrows() {
        List<Finding> one = findings(inv(List.of(plc("10.0.0.2"), host("10.0.0.1")), List.of(flow("10.0.0.1", "10.0.0.2", "tcp", 23))));
        // a two-hour window: ER-15 judges absence of time sync; ER-19 needs declared monitoring collectors
        assertThat(one).extracting(Finding::ruleId).contains("ER-17", "ER-15").doesNotContain("ER-19");
        List<ChangeEvent> first = FindingChanges.diff(FindingChanges.keys((List<Finding>) null), one, T0 + 2 * S);
        assertThat(first).allMatch(e -> e.type().equals(ChangeEvent.NEW_FINDING) && e.time() == T0 + 2 * S && e.oldValue() == null);
        assertThat(first).hasSize((int) one.stream().filter(f -> f.status() != Status.EVIDENCE_OF_CONFORMITY).count());
        ChangeEvent unneeded = of(first, "ER-17").get(0);
        assertThat(unneeded.assetId()).isEqualTo("10.0.0.1");
        assertThat(unneeded.newValue()).startsWith("observation medium: Field device 10.0.0.2 answers on Telnet");
        ChangeEvent noTime = of(first, "ER-15").get(0);
        assertThat(noTime.assetId()).isNull();
        assertThat(noTime.newValue()).startsWith("observation low: No time synchronisation");

        // the same findings again: nothing new
        assertThat(FindingChanges.diff(FindingChanges.keys(one), one, T0 + 3 * S)).isEmpty();

        // a second Telnet client: the ER-17 finding grows (one more flow and asset) but is the same finding
        List<Finding> two = findings(inv(List.of(plc("10.0.0.2"), host("10.0.0.1"), host("10.0.0.3")),
                List.of(flow("10.0.0.1", "10.0.0.2", "tcp", 23), flow("10.0.0.3", "10.0.0.2", "tcp", 23))));
        assertThat(two.stream().filter(f -> f.ruleId().equals("ER-17")).findFirst().orElseThrow().communications()).hasSize(2);
        List<ChangeEvent> second = FindingChanges.diff(FindingChanges.keys(one), two, T0 + 4 * S);
        assertThat(of(second, "ER-17")).isEmpty();
        assertThat(of(second, "ER-15")).isEmpty();

        // a second device with the same exposure is a new finding
        List<Finding> three = findings(inv(List.of(plc("10.0.0.2"), plc("10.0.0.4"), host("10.0.0.1"), host("10.0.0.3")),
                List.of(flow("10.0.0.1", "10.0.0.2", "tcp", 23), flow("10.0.0.3", "10.0.0.2", "tcp", 23), flow("10.0.0.1", "10.0.0.4", "tcp", 23))));
        List<ChangeEvent> third = FindingChanges.diff(FindingChanges.keys(two), three, T0 + 5 * S);
        assertThat(of(third, "ER-17")).singleElement().satisfies(e -> assertThat(e.newValue()).contains("10.0.0.4"));
    }

    @Test
    void keysAndBoundedText() {
        Finding f = new Finding("ER-11", "t", "medium", Status.OBSERVATION, "x".repeat(2000), "b", Map.of(), List.of("10.0.0.1", "10.0.0.2"),
                List.of("10.0.0.1 -> 10.0.0.2 dnp3/tcp:20000", "10.0.0.1 -> 10.0.0.2 modbus/tcp:502"), T0, T0, List.of());
        assertThat(FindingChanges.keys(f)).containsExactly("ER-11|observation|10.0.0.1 -> 10.0.0.2 dnp3/tcp:20000",
                "ER-11|observation|10.0.0.1 -> 10.0.0.2 modbus/tcp:502");
        ChangeEvent e = FindingChanges.diff(Set.of(), List.of(f), T0).get(0);
        assertThat(e.newValue()).hasSize(FindingChanges.MAX_TEXT).endsWith("...");
        // the same flow under another status is a new finding (an observation that became a nonconformity)
        Finding worse = new Finding("ER-11", "t", "high", Status.NONCONFORMITY, "s", "b", Map.of(), f.assets(), f.communications(), T0, T0, List.of());
        assertThat(FindingChanges.diff(FindingChanges.keys(List.of(f)), List.of(worse), T0)).hasSize(1);
    }
}
