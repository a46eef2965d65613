package io.gridscout.protocols.opcua;

import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.ProtocolDecoder;
import io.gridscout.protocols.flow.ProtocolSpec;
import io.gridscout.protocols.flow.Session;

/**
 * OPC UA binary over TCP (UACP, IEC 62541-6). Recognised by content on any port: a chunk header with a
 * known message type, chunk type and sane size; 4840 is only a hint that relaxes the check for sessions
 * first seen mid-stream.
 */
public final class OpcUaSpec implements ProtocolSpec {
    public static final String NAME = "opcua";
    public static final int PORT = 4840;

    @Override public String name() { return NAME; }

    @Override public boolean supports(Transport transport) { return transport == Transport.TCP; }

    @Override public boolean isWellKnownPort(int port) { return port == PORT; }

    @Override
    public boolean matches(byte[] buf, int off, int len, boolean portHint, Transport transport) {
        if (transport != Transport.TCP || buf == null || off < 0 || len < 8 || off > buf.length - len) return false;
        int size = UaChunk.plausible(buf, off);
        if (size < 0) return false;
        int type = UaChunk.type(buf, off);
        if (type == UaChunk.HEL || type == UaChunk.ACK) {
            // protocol version 0 is the only one defined
            return len >= 12 && UaBytes.i32(buf, off + 8) == 0;
        }
        if (portHint) return true;
        // off the registered port we need more than the 8 header bytes: the chunk must also fit the bytes seen
        // exactly or be followed by another plausible header, or carry a recognisable security header.
        if (size == len) return true;
        if (size < len) return len - size >= 8 ? UaChunk.plausible(buf, off + size) > 0 : false;
        if (type == UaChunk.OPN && len >= 16 + 43) {
            return startsWith(buf, off + 16, len - 16, POLICY_PREFIX);
        }
        return false;
    }

    static final byte[] POLICY_PREFIX = "http://opcfoundation.org/UA/SecurityPolicy#".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private static boolean startsWith(byte[] b, int p, int n, byte[] prefix) {
        if (n < prefix.length) return false;
        for (int i = 0; i < prefix.length; i++) if (b[p + i] != prefix[i]) return false;
        return true;
    }

    @Override
    public ProtocolDecoder newDecoder(Session session) {
        return new OpcUaDecoder(session);
    }
}
