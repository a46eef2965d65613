package io.gridscout.protocols.bacnet;

import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.ProtocolDecoder;
import io.gridscout.protocols.flow.ProtocolSpec;
import io.gridscout.protocols.flow.Session;

/** BACnet/IP (Annex J): BVLC type 0x81 + NPDU + APDU over UDP 47808 (0xBAC0; 47809.. are common too). */
public final class BacnetSpec implements ProtocolSpec {
    @Override public String name() { return "bacnet"; }

    @Override public boolean supports(Transport transport) { return transport == Transport.UDP; }

    @Override public boolean isWellKnownPort(int port) { return port == 47808; }

    @Override
    public boolean matches(byte[] buf, int off, int len, boolean portHint, Transport transport) {
        if (buf == null || off < 0 || len < 4 || off + len > buf.length || transport != Transport.UDP) return false;
        if ((buf[off] & 0xFF) != 0x81 || (buf[off + 1] & 0xFF) > 0x0C) return false;
        int declared = ((buf[off + 2] & 0xFF) << 8) | (buf[off + 3] & 0xFF);
        if (declared != len) return false;
        int npdu = BacnetDecoder.npduOffset(buf, off, len);
        return npdu < 0 ? portHint : (npdu < off + len && (buf[npdu] & 0xFF) == 0x01);
    }

    @Override public ProtocolDecoder newDecoder(Session session) { return new BacnetDecoder(session); }
}
