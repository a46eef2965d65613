package io.gridscout.protocols.goose;

import io.gridscout.protocols.fact.Endpoint;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.flow.ProtocolDecoder;
import io.gridscout.protocols.flow.Session;

/**
 * IEC 61850-90-5 session protocol over UDP (routable GOOSE and SV). Layout of one datagram:
 * <pre>
 * CLTP UD TPDU       LI=01, code 0x40                                  (ISO 8602)
 * session identifier 0xA0 tunnelled, 0xA1 GOOSE, 0xA2 SV, 0xA3 management
 * LI                 length of the session header that follows
 * common header      0x80, LI, SPDU length (4, bytes after this field up to the end of the payload), SPDU number (4),
 *                    version (2), time of current key (4), time of next key (2), key id (4), IV length (1), IV
 * payload            length (4), then entries: tag (0x81 GOOSE, 0x82 SV, 0x83 tunnelled frame, 0x87 management),
 *                    simulation (1), APPID (2), APDU length (2), APDU
 * signature          optional: 0x85, length, HMAC
 * </pre>
 * GOOSE/SV APDUs go to a {@link GooseProtocol.Decoder}, so the facts are those of layer-2 GOOSE/SV (protocol
 * "goose"/"sv", role "publisher", gocbRef/datSet/goID/svID/appId/confRev/simulation, name/logicalDevice) with the
 * publisher endpoint being the sender's IP and MAC (port 0: the source port is ephemeral and names nothing) and
 * transport UDP. ServiceDetail "security" lists which security fields the sender uses: "keyId", "iv", "signature",
 * or "none".
 */
final class RGooseDecoder implements ProtocolDecoder {
    static final int COMMON_MIN = 21;                    // common header without IV
    static final int MIN_LEN = 2 + 2 + 2 + COMMON_MIN;  // CLTP, SI + LI, 0x80 + LI, common header
    /** Control blocks one sender may publish before its table is reset. */
    static final int MAX_CONTROL_BLOCKS = 64;
    private static final int MAX_PAYLOAD_ENTRIES = 64;
    private static final int SEC_NONE = 1, SEC_KEY = 2, SEC_IV = 4, SEC_SIGNATURE = 8;

    private final Session session;
    private GooseProtocol.Decoder apdus;                 // created on the first APDU
    private Endpoint publisher;
    private int securitySeen;                            // SEC_* bits already reported
    private long tunnelled, management;

    RGooseDecoder(Session session) {
        this.session = session;
    }

    long tunnelled() { return tunnelled; }

    long management() { return management; }

    @Override
    public void onData(int side, byte[] b, int off, int len, long t) {
        try {
            if (side < 0 || side > 1 || b == null || off < 0 || len < 0 || off + len > b.length) return;
            datagram(side, b, off, off + len, t);
        } catch (RuntimeException e) {
            session.malformed(side, "decoder error " + e.getClass().getSimpleName());
        }
    }

    private void datagram(int side, byte[] b, int p, int end, long t) {
        if (end - p < MIN_LEN || b[p] != 0x01 || (b[p + 1] & 0xFF) != 0x40) { session.malformed(side, "not CLTP unit data"); return; }
        int si = b[p + 2] & 0xFF;
        if (si < 0xA0 || si > 0xA3) { session.malformed(side, "unknown session identifier"); return; }
        int li = b[p + 3] & 0xFF;
        if ((b[p + 4] & 0xFF) != 0x80) { session.malformed(side, "no common session header"); return; }
        int common = b[p + 5] & 0xFF;
        if (common < COMMON_MIN || li != common + 2 || end - (p + 6) < common) { session.malformed(side, "bad session header length"); return; }
        int c = p + 6;
        long spduLen = u32(b, c);
        long keyId = u32(b, c + 16);
        int ivLen = b[c + 20] & 0xFF;
        if (ivLen > common - COMMON_MIN) { session.malformed(side, "bad IV length"); return; }
        int q = c + common;                               // session user information
        if (si == 0xA3) { management++; session.detail("session", "management"); return; }
        if (end - q < 4) { session.malformed(side, "short payload"); return; }
        long payloadLen = u32(b, q);
        q += 4;
        if (payloadLen > end - q) { session.malformed(side, "payload length beyond datagram"); return; }
        int payloadEnd = q + (int) payloadLen;
        // the SPDU length runs from after its own field to the end of the payload; a signature may follow it
        long spduEnd = (c + 4) + spduLen;
        int sec = (keyId != 0 ? SEC_KEY : 0) | (ivLen > 0 ? SEC_IV : 0);
        int s = payloadEnd;
        if (spduEnd >= payloadEnd && spduEnd <= end) s = (int) spduEnd;
        if (end - s >= 2 && (b[s] & 0xFF) == 0x85 && (b[s + 1] & 0xFF) <= end - s - 2) sec |= SEC_SIGNATURE;
        if (publisher == null) {
            Endpoint ep = session.endpoint(side);
            publisher = new Endpoint(ep.mac(), ep.ip(), 0);
        }
        if (sec == 0) sec = SEC_NONE;
        for (int n = 0; q < payloadEnd && n < MAX_PAYLOAD_ENTRIES; n++) {
            if (payloadEnd - q < 6) { session.malformed(side, "short payload entry"); return; }
            int tag = b[q] & 0xFF;
            boolean simulated = b[q + 1] != 0;
            int appId = ((b[q + 2] & 0xFF) << 8) | (b[q + 3] & 0xFF);
            int apduLen = ((b[q + 4] & 0xFF) << 8) | (b[q + 5] & 0xFF);
            int a = q + 6;
            if (apduLen > payloadEnd - a) { session.malformed(side, "APDU length beyond payload"); return; }
            switch (tag) {
                case 0x81, 0x82 -> {
                    if (apdus == null) apdus = new GooseProtocol.Decoder(session.facts(), MAX_CONTROL_BLOCKS);
                    boolean sv = tag == 0x82;
                    security(sv ? "sv" : "goose", sec, t);
                    apdus.onApdu(sv, publisher, session.transport(), appId, simulated, b, a, apduLen, t);
                }
                case 0x83 -> { tunnelled++; session.detail("payload", "tunnelled"); }
                default -> { management++; session.detail("payload", "other"); }
            }
            q = a + apduLen;
        }
    }

    /** ServiceDetail "security" once per security field the publisher shows. */
    private void security(String proto, int sec, long t) {
        int news = sec & ~securitySeen;
        if (news == 0) return;
        securitySeen |= news;
        if ((news & SEC_NONE) != 0) detail(proto, "none", t);
        if ((news & SEC_KEY) != 0) detail(proto, "keyId", t);
        if ((news & SEC_IV) != 0) detail(proto, "iv", t);
        if ((news & SEC_SIGNATURE) != 0) detail(proto, "signature", t);
    }

    private void detail(String proto, String value, long t) {
        session.facts().accept(new Fact.ServiceDetail(t, publisher, proto, session.transport(), "publisher", "security", value));
    }

    private static long u32(byte[] b, int o) {
        return ((long) (b[o] & 0xFF) << 24) | ((b[o + 1] & 0xFF) << 16) | ((b[o + 2] & 0xFF) << 8) | (b[o + 3] & 0xFF);
    }
}
