package io.gridscout.protocols.llc;

import io.gridscout.protocols.bacnet.BacnetEthernet;
import io.gridscout.protocols.cdp.CdpProtocol;
import io.gridscout.protocols.fact.FactSink;
import io.gridscout.protocols.flow.EtherTypeProtocol;

/**
 * IEEE 802.3 frames (length field instead of an EtherType; the pipeline hands them over as EtherType 0 with the
 * payload starting at the LLC header). The pipeline gives a frame to the first protocol claiming its EtherType, so
 * every LLC protocol goes through this one dispatcher: LLC/SNAP AA AA 03 + Cisco OUI + PID 0x2000 -> CDP;
 * DSAP/SSAP 0x82 + UI -> BACnet over Ethernet. Others (STP 0x42, NetBIOS 0xF0, ...) are only counted.
 */
public final class LlcProtocol implements EtherTypeProtocol {
    @Override
    public String name() {
        return "llc";
    }

    @Override
    public boolean handles(int etherType) {
        return etherType == 0;
    }

    @Override
    public Decoder newDecoder(FactSink sink) {
        return new Decoder(sink);
    }

    public static final class Decoder implements EtherTypeDecoder {
        private final CdpProtocol.Decoder cdp;
        private final BacnetEthernet bacnet;
        private long other;

        Decoder(FactSink sink) {
            this.cdp = new CdpProtocol().newDecoder(sink);
            this.bacnet = new BacnetEthernet(sink);
        }

        public long otherLlc() {
            return other;
        }

        public BacnetEthernet bacnet() {
            return bacnet;
        }

        @Override
        public void onFrame(int etherType, long srcMac, long dstMac, int vlanId, byte[] b, int off, int len, long t) {
            if (b == null || off < 0 || len < 0 || off + len > b.length) return;
            if (CdpProtocol.isCdp(b, off, len)) cdp.onFrame(etherType, srcMac, dstMac, vlanId, b, off, len, t);
            else if (BacnetEthernet.isBacnet(b, off, len)) bacnet.onFrame(srcMac, dstMac, b, off, len, t);
            else other++;
        }
    }
}
