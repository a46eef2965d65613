package io.gridscout.mapping.inventory;

import io.gridscout.protocols.fact.Confidence;
import io.gridscout.protocols.fact.Endpoint;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.IpAddr;
import io.gridscout.protocols.fact.Mac;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A DNS answer names an address; it does not show a device with that address on the monitored network. Names wait
 * (bounded) until the address is heard, so a workstation resolving thousands of Internet names does not add
 * thousands of assets.
 */
class DnsNameTest {
    static final long T = 1_700_000_000_000_000_000L;
    static final long WS_MAC = Mac.parse("02:00:00:00:00:03");

    static Fact.Identity name(IpAddr ip, String name, long t) {
        return new Fact.Identity(t, new Endpoint(Mac.NONE, ip, 0), "dnsName", name, "dns", Confidence.REPORTED);
    }

    @Test
    void answeredAddressIsNotAnAssetUntilHeard() {
        InventoryBuilder b = new InventoryBuilder();
        IpAddr ws = IpAddr.parse("10.0.0.3"), rtu = IpAddr.parse("10.0.0.50"), web = IpAddr.parse("93.184.216.34");
        b.accept(new Fact.HostSeen(T, WS_MAC, ws, "udp", 64));
        b.accept(name(rtu, "rtu1.plant.example", T + 1));
        b.accept(name(web, "example.com", T + 2));
        assertThat(b.snapshot().assets()).extracting(Inventory.Asset::id).containsExactly("10.0.0.3");

        b.accept(new Fact.HostSeen(T + 3, Mac.parse("02:00:00:00:00:50"), rtu, "tcp", 64));   // the RTU speaks
        Inventory inv = b.snapshot();
        assertThat(inv.assets()).extracting(Inventory.Asset::id).containsExactly("10.0.0.3", "10.0.0.50");
        assertThat(inv.asset("10.0.0.50").attributes()).extracting(Inventory.Attribute::name, Inventory.Attribute::value)
                .contains(org.assertj.core.groups.Tuple.tuple("dnsName", "rtu1.plant.example"));

        b.accept(name(rtu, "rtu1-alias.plant.example", T + 4));         // heard already: attached at once
        assertThat(b.snapshot().asset("10.0.0.50").attributes()).extracting(Inventory.Attribute::value)
                .contains("rtu1.plant.example", "rtu1-alias.plant.example");
    }

    @Test
    void pendingNamesAreBoundedAndCounted() {
        InventoryBuilder b = new InventoryBuilder();
        for (int i = 0; i < 20_000; i++) b.accept(name(IpAddr.v4(0x5D000000 + i), "h" + i + ".example", T + i));
        Inventory inv = b.snapshot();
        assertThat(inv.assets()).isEmpty();
        assertThat(inv.counters()).containsEntry("pendingNamesDropped", 20_000L - 4096);
        // the newest names are still waiting; the oldest were dropped
        b.accept(new Fact.HostSeen(T + 30_000, WS_MAC, IpAddr.v4(0x5D000000 + 19_999), "tcp", 64));
        b.accept(new Fact.HostSeen(T + 30_001, Mac.parse("02:00:00:00:00:04"), IpAddr.v4(0x5D000000), "tcp", 64));
        inv = b.snapshot();
        assertThat(inv.asset("93.0.78.31").attributes()).extracting(Inventory.Attribute::value).contains("h19999.example");
        assertThat(inv.asset("93.0.0.0").attributes()).extracting(Inventory.Attribute::name).doesNotContain("dnsName");
    }
}
