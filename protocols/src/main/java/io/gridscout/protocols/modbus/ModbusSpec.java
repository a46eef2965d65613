package io.gridscout.protocols.modbus;

import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.ProtocolDecoder;
import io.gridscout.protocols.flow.ProtocolSpec;
import io.gridscout.protocols.flow.Session;

/** Modbus/TCP (and Modbus over UDP): recognised by a sane MBAP header on any port, 502 being a hint. */
public final class ModbusSpec implements ProtocolSpec {
    @Override
    public String name() {
        return "modbus";
    }

    @Override
    public boolean supports(Transport transport) {
        return transport == Transport.TCP || transport == Transport.UDP;
    }

    @Override
    public boolean isWellKnownPort(int port) {
        return port == 502;
    }

    @Override
    public boolean matches(byte[] b, int off, int len, boolean portHint, Transport transport) {
        if (len < 8) return false;
        int proto = ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
        int mbapLen = ((b[off + 4] & 0xFF) << 8) | (b[off + 5] & 0xFF);
        int fc = b[off + 7] & 0xFF;
        if (proto != 0 || mbapLen < 2 || mbapLen > 254) return false;
        // on 502 a scanner's function code 0 is still Modbus; elsewhere only known codes count
        if (portHint) return mbapLen + 6 <= len || len < 260;
        // without the port: the segment must be exactly whole ADUs with known function codes
        int p = off;
        int end = off + len;
        while (p < end) {
            if (end - p < 8) return false;
            int pr = ((b[p + 2] & 0xFF) << 8) | (b[p + 3] & 0xFF);
            int l = ((b[p + 4] & 0xFF) << 8) | (b[p + 5] & 0xFF);
            int f = b[p + 7] & 0x7F;
            if (pr != 0 || l < 2 || l > 254 || !known(f)) return false;
            p += 6 + l;
        }
        return p == end;
    }

    private static boolean known(int fc) {
        return (fc >= 1 && fc <= 8) || fc == 11 || fc == 12 || (fc >= 15 && fc <= 17) || (fc >= 20 && fc <= 24)
                || fc == 43 || fc == 90;
    }

    @Override
    public ProtocolDecoder newDecoder(Session session) {
        return new ModbusDecoder(session);
    }
}
