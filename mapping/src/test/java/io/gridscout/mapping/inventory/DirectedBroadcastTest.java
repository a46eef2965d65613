package io.gridscout.mapping.inventory;

import io.gridscout.protocols.fact.Endpoint;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.IpAddr;
import io.gridscout.protocols.fact.Mac;
import io.gridscout.protocols.fact.Transport;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A BACnet Who-Is to 192.168.0.255 sent to ff:ff:ff:ff:ff:ff: the destination is a broadcast whatever the netmask
 * (the frame's MAC says so), so it is not a device; the sender is.
 */
class DirectedBroadcastTest {
    static final long T = 1_700_000_000_000_000_000L;

    @Test
    void directedBroadcastIsNotAnAsset() {
        InventoryBuilder b = new InventoryBuilder();
        long ws = Mac.parse("02:00:00:00:00:05");
        Endpoint client = new Endpoint(ws, IpAddr.parse("192.168.0.5"), 47808);
        Endpoint bcast = new Endpoint(Mac.parse("ff:ff:ff:ff:ff:ff"), IpAddr.parse("192.168.0.255"), 47808);
        b.accept(new Fact.HostSeen(T, ws, client.ip(), "udp", 64));
        b.accept(new Fact.Service(T, client, "bacnet", Transport.UDP, "client"));
        b.accept(new Fact.Service(T, bcast, "bacnet", Transport.UDP, "server"));
        b.accept(new Fact.Conversation(T + 1, T, client, bcast, "bacnet", Transport.UDP, 3, 180, List.of(), List.of()));
        Inventory inv = b.snapshot();
        assertThat(inv.assets()).extracting(Inventory.Asset::id).containsExactly("192.168.0.5");
        assertThat(inv.communications()).isEmpty();
        assertThat(inv.counters()).containsEntry("groupConversations", 1L);
    }
}
