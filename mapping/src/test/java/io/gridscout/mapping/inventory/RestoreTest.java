package io.gridscout.mapping.inventory;

import io.gridscout.protocols.fact.Confidence;
import io.gridscout.protocols.fact.Endpoint;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.IpAddr;
import io.gridscout.protocols.fact.Mac;
import io.gridscout.protocols.fact.OperationKind;
import io.gridscout.protocols.fact.Transport;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** restore(snapshot) then snapshot() gives the same inventory, and new facts keep accumulating on top. */
class RestoreTest {
    static final long T = 1_700_000_000_000_000_000L;
    // a Schneider OUI (00:80:f4) so the derived macVendor attribute is exercised too
    static final long PLC_MAC = Mac.parse("00:80:f4:01:02:03"), HMI_MAC = Mac.parse("02:00:00:00:00:01"), SW_MAC = Mac.parse("02:00:00:00:00:99");
    static final Endpoint PLC = new Endpoint(PLC_MAC, IpAddr.parse("10.1.1.10"), 502);
    static final Endpoint HMI = new Endpoint(HMI_MAC, IpAddr.parse("10.1.1.20"), 40000);

    static void feed(InventoryBuilder b, long t, long readCount) {
        b.accept(new Fact.HostSeen(t, PLC_MAC, PLC.ip(), "ip"));
        b.accept(new Fact.HostSeen(t, HMI_MAC, HMI.ip(), "ip"));
        b.accept(new Fact.HostSeen(t, HMI_MAC, IpAddr.parse("fe80::1"), "ip"));
        b.accept(new Fact.HostSeen(t, SW_MAC, null, "ethernet"));
        b.accept(new Fact.Service(t, PLC, "modbus", Transport.TCP, "server"));
        b.accept(new Fact.Service(t, HMI, "modbus", Transport.TCP, "client"));
        b.accept(new Fact.ServiceDetail(t, PLC, "modbus", Transport.TCP, "server", "unitIds", 1L));
        b.accept(new Fact.ServiceDetail(t, PLC, "modbus", Transport.TCP, "server", "unitIds", 255L));
        b.accept(new Fact.Identity(t, PLC, "vendor", "Schneider Electric", "modbus.mei", Confidence.STATED));
        b.accept(new Fact.Identity(t, PLC, "firmware", "v3.10", "modbus.mei", Confidence.STATED));
        b.accept(new Fact.Conversation(t + 5, t, HMI, PLC, "modbus", Transport.TCP, 10, 800,
                List.of(new Fact.OperationCount(3, "READ_HOLDING_REGISTERS", OperationKind.READ, readCount),
                        new Fact.OperationCount(6, "WRITE_SINGLE_REGISTER", OperationKind.WRITE, 1)),
                List.of(new Fact.Detail("exception", "02 illegal data address", 1))));
    }

    @Test
    void restoredBuilderSnapshotsTheSameInventory() {
        InventoryBuilder a = new InventoryBuilder();
        a.addCapture(new Inventory.CaptureSummary("x.pcap", "00", 10, T, T + 5, List.of()));
        a.count("packets", 10);
        feed(a, T, 4);
        Inventory before = a.snapshot();
        assertThat(before.assets()).hasSize(3);
        assertThat(before.asset("10.1.1.10").attributes()).extracting(Inventory.Attribute::name).contains("macVendor", "firmware");

        InventoryBuilder b = new InventoryBuilder();
        b.restore(before);
        assertThat(b.snapshot()).isEqualTo(before);

        // on top of the restored state: same facts later → counts add up, no new assets, times move
        feed(b, T + 1_000_000_000L, 6);
        Inventory after = b.snapshot();
        assertThat(after.assets()).extracting(Inventory.Asset::id).isEqualTo(before.assets().stream().map(Inventory.Asset::id).toList());
        Inventory.Communication c = after.communications().get(0);
        assertThat(c.packets()).isEqualTo(20);
        assertThat(c.operations()).filteredOn(o -> o.code() == 3).singleElement().extracting(Inventory.Operation::count).isEqualTo(10L);
        assertThat(after.asset("10.1.1.10").lastSeen()).isGreaterThan(before.asset("10.1.1.10").lastSeen());
        assertThat(after.asset("10.1.1.10").services().get(0).details().get("unitIds")).containsExactly(1L, 255L);
    }

    @Test
    void restoreNeedsAnEmptyBuilder() {
        InventoryBuilder a = new InventoryBuilder();
        feed(a, T, 1);
        assertThatThrownBy(() -> a.restore(a.snapshot())).isInstanceOf(IllegalStateException.class);
    }
}
