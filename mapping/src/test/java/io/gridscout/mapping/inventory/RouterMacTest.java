package io.gridscout.mapping.inventory;

import io.gridscout.protocols.fact.Endpoint;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.IpAddr;
import io.gridscout.protocols.fact.Mac;
import io.gridscout.protocols.fact.Transport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A MAC that carries several IPv4 addresses is a router: it merges nothing, and its MAC belongs only to the address
 * that is its own, known from ARP or, without ARP, from the only address it sent from with an initial TTL (packets
 * it forwarded arrive with a decremented one). The shape of the routable-GOOSE capture: a publisher two hops away
 * behind a router that also speaks PIM/IGMP from its own address.
 */
class RouterMacTest {
    static final long T = 1_700_000_000_000_000_000L;
    static final long ROUTER = Mac.parse("08:5b:0e:ae:65:3b"), PEER = Mac.parse("90:6c:ac:6b:98:35");
    static final IpAddr ROUTER_IP = IpAddr.parse("10.10.10.2"), REMOTE = IpAddr.parse("192.168.15.89"), PEER_IP = IpAddr.parse("10.10.10.1");

    @Test
    void routerOwnAddressFromInitialTtlGetsTheMac() {
        InventoryBuilder b = new InventoryBuilder();
        b.accept(new Fact.HostSeen(T, ROUTER, REMOTE, "udp", 63));         // forwarded R-GOOSE
        b.accept(new Fact.Service(T, new Endpoint(ROUTER, REMOTE, 102), "goose", Transport.UDP, "publisher"));
        b.accept(new Fact.HostSeen(T + 1, ROUTER, ROUTER_IP, "ip", 1));    // its own PIM hello
        b.accept(new Fact.HostSeen(T + 2, PEER, PEER_IP, "ip", 1));
        Inventory inv = b.snapshot();
        assertThat(inv.assets()).hasSize(3);
        assertThat(inv.asset("10.10.10.2").macs()).containsExactly("08:5b:0e:ae:65:3b");
        assertThat(inv.asset("192.168.15.89").macs()).isEmpty();          // not the publisher's own MAC
        assertThat(inv.asset("10.10.10.1").macs()).containsExactly("90:6c:ac:6b:98:35");
    }

    @Test
    void twoAddressesWithInitialTtlLeaveTheMacUnassigned() {
        InventoryBuilder b = new InventoryBuilder();
        b.accept(new Fact.HostSeen(T, ROUTER, REMOTE, "udp", 64));
        b.accept(new Fact.HostSeen(T + 1, ROUTER, ROUTER_IP, "ip", 64));
        Inventory inv = b.snapshot();
        assertThat(inv.asset("10.10.10.2").macs()).isEmpty();
        assertThat(inv.asset("192.168.15.89").macs()).isEmpty();
    }

    @Test
    void arpWinsOverTtl() {
        InventoryBuilder b = new InventoryBuilder();
        b.accept(new Fact.HostSeen(T, ROUTER, REMOTE, "udp", 64));          // a remote host one hop closer than usual
        b.accept(new Fact.HostSeen(T + 1, ROUTER, ROUTER_IP, "arp"));
        Inventory inv = b.snapshot();
        assertThat(inv.asset("10.10.10.2").macs()).containsExactly("08:5b:0e:ae:65:3b");
        assertThat(inv.asset("192.168.15.89").macs()).isEmpty();
    }

    @Test
    void unknownTtlKeepsTheOldRule() {
        InventoryBuilder b = new InventoryBuilder();
        b.accept(new Fact.HostSeen(T, ROUTER, REMOTE, "udp"));
        b.accept(new Fact.HostSeen(T + 1, ROUTER, ROUTER_IP, "ip"));
        Inventory inv = b.snapshot();
        assertThat(inv.asset("10.10.10.2").macs()).isEmpty();
        assertThat(inv.asset("192.168.15.89").macs()).isEmpty();
    }
}
