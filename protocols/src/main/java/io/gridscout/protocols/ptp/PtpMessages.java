package io.gridscout.protocols.ptp;

import io.gridscout.protocols.fact.Endpoint;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.FactSink;
import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.util.LongSet;

/**
 * IEEE 1588-2008 (PTPv2) messages, the same over Ethernet (0x88F7) and UDP 319/320. The 34-byte common header
 * holds messageType (low nibble of byte 0), version (byte 1), messageLength, domainNumber (byte 4) and the
 * sourcePortIdentity (clockIdentity, bytes 20-27). Announce, Sync, Follow_Up and Delay_Resp come from a master
 * (role "master"); Delay_Req from a slave (role "slave"). Announce states priority1 (byte 47), clockClass (48),
 * priority2 (52). Master details: clockIdentity, domain, priority1, priority2, clockClass; each once per
 * (endpoint, value) through a bounded set.
 */
final class PtpMessages {
    static final String PROTOCOL = "ptp";
    private final FactSink sink;
    private final LongSet sent;

    PtpMessages(FactSink sink, LongSet sent) {
        this.sink = sink;
        this.sent = sent;
    }

    static boolean looksLikePtp(byte[] b, int off, int len) {
        if (len < 34 || (b[off + 1] & 0x0F) != 2) return false;
        int ml = ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
        int type = b[off] & 0x0F;
        return ml >= 34 && ml <= len && (type <= 3 || (type >= 8 && type <= 0xD));
    }

    /** False when malformed. */
    boolean message(Endpoint ep, Transport tr, byte[] b, int off, int len, long t) {
        if (!looksLikePtp(b, off, len)) return false;
        int type = b[off] & 0x0F;
        switch (type) {
            case 0x0, 0x8, 0x9, 0xB -> {
                role(ep, tr, "master", t);
                detail(ep, tr, "clockIdentity", clockIdentity(b, off + 20), t);
                detail(ep, tr, "domain", (long) (b[off + 4] & 0xFF), t);
                if (type == 0xB) {
                    if (len < 64) return false;
                    detail(ep, tr, "priority1", (long) (b[off + 47] & 0xFF), t);
                    detail(ep, tr, "clockClass", (long) (b[off + 48] & 0xFF), t);
                    detail(ep, tr, "priority2", (long) (b[off + 52] & 0xFF), t);
                }
            }
            case 0x1 -> role(ep, tr, "slave", t);
            default -> { }                 // peer delay, signaling, management
        }
        return true;
    }

    private boolean once(Endpoint ep, String name, Object v) {
        long h = (ep.mac() * 31 + (ep.ip() == null ? 0 : ep.ip().lo())) * 1_000_003L + name.hashCode() * 31L + v.hashCode();
        return sent.add(h);
    }

    private void role(Endpoint ep, Transport tr, String role, long t) {
        if (once(ep, "role", role)) sink.accept(new Fact.Service(t, ep, PROTOCOL, tr, role));
    }

    private void detail(Endpoint ep, Transport tr, String name, Object v, long t) {
        if (once(ep, name, v)) sink.accept(new Fact.ServiceDetail(t, ep, PROTOCOL, tr, "master", name, v));
    }

    /** EUI-64 style "00:1b:19:ff:fe:00:00:01"; only built for the first few values (the set refuses repeats first). */
    static String clockIdentity(byte[] b, int p) {
        StringBuilder sb = new StringBuilder(23);
        for (int i = 0; i < 8; i++) {
            if (i > 0) sb.append(':');
            sb.append(Character.forDigit((b[p + i] >> 4) & 0xF, 16)).append(Character.forDigit(b[p + i] & 0xF, 16));
        }
        return sb.toString();
    }
}
