package io.gridscout.protocols.bacnet;

import io.gridscout.protocols.fact.Endpoint;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.FactSink;
import io.gridscout.protocols.fact.OperationKind;
import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.Session;

import java.util.HashMap;
import java.util.Map;

/**
 * BACnet over Ethernet (ISO 8802-2 LLC, ANSI/ASHRAE 135 clause 7): 802.3 frames whose LLC header is DSAP 0x82,
 * SSAP 0x82, control 0x03 (UI), followed by the same NPDU/APDU as BACnet/IP. Each sending MAC gets its own
 * {@link BacnetDecoder} on a small layer-2 {@link Session} whose side 0 is that MAC (endpoint MAC only, no IP, port
 * 0) and side 1 the last destination, so it emits the same facts (roles, Identity, routedDevices) keyed by MAC.
 * There is no conversation flush for layer-2 traffic: operations and details are counted here, not emitted.
 * Not an {@code EtherTypeProtocol} itself: the LLC dispatcher ({@code llc.LlcProtocol}) hands frames over.
 */
public final class BacnetEthernet {
    /** Senders remembered before the table is reset (evictions counted). */
    public static final int MAX_SENDERS = 1024;
    private static final int MAX_MALFORMED_FACTS = 64;

    private final FactSink sink;
    private final Map<Long, Sender> senders = new HashMap<>();
    private long evictions, operations, details, malformed;

    public BacnetEthernet(FactSink sink) {
        this.sink = sink;
    }

    /** Is this 802.3 payload BACnet's LLC header (82 82 03) with at least an NPDU version byte after it? */
    public static boolean isBacnet(byte[] b, int off, int len) {
        return len >= 4 && (b[off] & 0xFF) == 0x82 && (b[off + 1] & 0xFF) == 0x82 && b[off + 2] == 0x03;
    }

    /** One 802.3 payload starting at the LLC header. Must not throw. */
    public void onFrame(long srcMac, long dstMac, byte[] b, int off, int len, long t) {
        if (b == null || off < 0 || len < 0 || off + len > b.length || !isBacnet(b, off, len)) return;
        Sender s = senders.get(srcMac);
        if (s == null) {
            if (senders.size() >= MAX_SENDERS) {
                evictions += senders.size();
                senders.clear();
            }
            s = new Sender(srcMac);
            senders.put(srcMac, s);
        }
        s.dst = dstMac;
        s.time = t;
        s.decoder.onNpdu(0, b, off + 3, len - 3, t);
    }

    public long evictions() { return evictions; }
    public long operations() { return operations; }
    public long details() { return details; }
    public long malformed() { return malformed; }
    public int senders() { return senders.size(); }

    /** One sending MAC: its session and decoder (the decoder's bounded "seen" set keeps facts new-only). */
    private final class Sender implements Session {
        final Endpoint self;
        long dst, time;
        Endpoint peer;
        final BacnetDecoder decoder;

        Sender(long mac) {
            this.self = new Endpoint(mac, null, 0);
            this.decoder = new BacnetDecoder(this);
        }

        @Override public Endpoint endpoint(int side) {
            if (side == 0) return self;
            if (peer == null || peer.mac() != dst) peer = new Endpoint(dst, null, 0);
            return peer;
        }
        @Override public Transport transport() { return Transport.ETHERNET; }
        @Override public int serverSide() { return -1; } // per frame: the sender may answer one and ask another
        @Override public void serverSide(int side) { }
        @Override public FactSink facts() { return sink; }
        @Override public void operation(int code, String name, OperationKind kind) { operations++; }
        @Override public void detail(String name, String value) { details++; }
        @Override public void malformed(int side, String reason) {
            malformed++;
            if (malformed <= MAX_MALFORMED_FACTS || (malformed & 1023) == 0) sink.accept(new Fact.Malformed(time, self, "bacnet", reason));
        }
        @Override public String protocol() { return "bacnet"; }
    }
}
