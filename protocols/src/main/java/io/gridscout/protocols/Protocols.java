package io.gridscout.protocols;

import io.gridscout.protocols.flow.EtherTypeProtocol;
import io.gridscout.protocols.flow.ProtocolSpec;
import io.gridscout.protocols.bacnet.BacnetSpec;
import io.gridscout.protocols.c1222.C1222Spec;
import io.gridscout.protocols.dlms.DlmsSpec;
import io.gridscout.protocols.names.NameServiceSpec;
import io.gridscout.protocols.ptp.PtpProtocol;
import io.gridscout.protocols.ptp.PtpSpec;
import io.gridscout.protocols.cotp.IsoOnTcpSpec;
import io.gridscout.protocols.dhcp.DhcpSpec;
import io.gridscout.protocols.lldp.LldpProtocol;
import io.gridscout.protocols.llc.LlcProtocol;
import io.gridscout.protocols.ntp.NtpSpec;
import io.gridscout.protocols.dnp3.Dnp3Spec;
import io.gridscout.protocols.iec104.Iec104Spec;
import io.gridscout.protocols.enip.EnipSpec;
import io.gridscout.protocols.goose.GooseProtocol;
import io.gridscout.protocols.goose.RGooseSpec;
import io.gridscout.protocols.modbus.ModbusSpec;
import io.gridscout.protocols.opcua.OpcUaSpec;
import io.gridscout.protocols.synphasor.SynphasorSpec;

import java.util.List;

/**
 * Every protocol gridscout decodes, in detection order. Adding a protocol means adding it here: there is no
 * discovery magic, so a reader sees from this file what the pipeline understands.
 */
public final class Protocols {
    private Protocols() {}

    /** Protocols over TCP/UDP, recognised by content (ports are hints). */
    public static List<ProtocolSpec> ipProtocols() {
        return List.of(
                new ModbusSpec(),
                new Dnp3Spec(),
                new OpcUaSpec(),
                new Iec104Spec(),
                new IsoOnTcpSpec(),
                new EnipSpec(),
                new BacnetSpec(),
                new RGooseSpec(),
                new SynphasorSpec(),
                new DhcpSpec(),
                new NtpSpec(),
                new DlmsSpec(),
                new C1222Spec(),
                new PtpSpec(),
                NameServiceSpec.dns(),
                NameServiceSpec.mdns(),
                NameServiceSpec.netbios());
    }

    /** Protocols straight over Ethernet. */
    public static List<EtherTypeProtocol> etherTypeProtocols() {
        // LLC (etherType 0): CDP and BACnet over Ethernet
        return List.of(new GooseProtocol(), new LldpProtocol(), new LlcProtocol(), new PtpProtocol());
    }
}
