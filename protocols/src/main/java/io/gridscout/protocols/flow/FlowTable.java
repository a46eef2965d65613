package io.gridscout.protocols.flow;

import io.gridscout.protocols.fact.Endpoint;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.FactSink;
import io.gridscout.protocols.fact.IpAddr;
import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.net.FrameView;

import java.util.List;

/**
 * Connection state for TCP and UDP: finds the flow of a packet by primitive key comparison (no key object
 * per packet), orders TCP bytes, recognises the protocol from content and feeds its decoder. Bounded by a
 * flow count cap (least recently active non-industrial flows are evicted first) and an idle timeout.
 *
 * <p>Idleness is measured on the capture's own clock: the latest packet time seen so far. A flow is idle once that
 * clock has passed its last activity by the timeout, whatever the order of the other flows' packets (captures
 * merged from several interfaces step back in time now and then). A frame further back than the timeout is a
 * discontinuity (captures concatenated, a clock reset, a bogus far-future time before it): every open flow is
 * idle from then on and the clock restarts at that frame. Either way, which flows are idle at a frame depends only
 * on those flows and the times of the frames so far, so tables that each see a shard of the flows (and every
 * frame's time) close exactly the flows one table would.
 */
public final class FlowTable {
    /** Bounds of the table. */
    public record Limits(int maxFlows, long idleTimeoutNanos, int tcpBufferBytes, int detectAttempts) {
        public static Limits defaults() {
            return new Limits(100_000, 120_000_000_000L, 64 * 1024, 8);
        }
    }

    final Limits limits;
    final FactSink sink;
    final FlowStats stats = new FlowStats();
    private final ProtocolSpec[] specs;
    private Flow[] buckets;
    private int size;
    private Flow oldest, newest;
    private long tag;
    /** The idle clock: the latest packet time seen (since the last discontinuity). */
    private long clock = Long.MIN_VALUE;
    /** Discontinuities so far: flows last active in an earlier epoch are idle. */
    private int epoch;

    public FlowTable(List<ProtocolSpec> specs, FactSink sink, Limits limits) {
        this.specs = specs.toArray(new ProtocolSpec[0]);
        this.sink = sink;
        this.limits = limits;
        int cap = Integer.highestOneBit(Math.max(1024, Math.min(limits.maxFlows(), 1 << 20)) * 2 - 1);
        this.buckets = new Flow[cap];
    }

    public FlowStats stats() {
        return stats;
    }

    public int size() {
        return size;
    }

    // ------------------------------------------------------------------ packets

    /** A TCP segment (v.kind == TCP). {@code wireLen} counts toward the conversation's bytes. */
    public void tcp(FrameView v, int wireLen, long t) {
        expireIdle(t);
        int flags = v.tcpFlags;
        boolean syn = (flags & FrameView.SYN) != 0, ackf = (flags & FrameView.ACKF) != 0;
        Flow f = lookup(v, 6);
        int side;
        if (f == null) {
            f = create(v, 6, t);
            side = 0;
        } else {
            side = f.matches(v.srcHi, v.srcLo, v.srcPort, v.dstHi, v.dstLo, v.dstPort, 6) ? 0 : 1;
            // port reuse: a new connection on the same 5-tuple (the old one's FIN/RST may not be in the capture)
            if (syn && !ackf && (f.closed || f.hadPayload)) {
                finish(f, t);
                remove(f);
                f = create(v, 6, t);
                side = 0;
            }
        }
        touch(f, side, v, wireLen, t);
        if (syn) {
            int server = ackf ? side : 1 - side;
            if (!f.serverFromHandshake) {
                f.serverSide = server;
                f.serverFromHandshake = true;
            }
            f.streams[side].onSyn(v.seq);
            if (ackf) sink.accept(new Fact.Service(t, f.endpoints[side], "tcp", Transport.TCP, "server"));
        }
        if (v.payloadLen > 0 && !syn) f.hadPayload = true;
        if (f.state != Flow.IGNORED) {
            // a SYN takes one sequence number: data it carries (TCP Fast Open) starts after it
            if (v.payloadLen > 0) f.streams[side].segment(syn ? v.seq + 1 : v.seq, v.buf, v.payloadOff, v.payloadLen, t, f.consumers[side]);
            if (ackf && f.streams[1 - side].started()) f.streams[1 - side].acknowledged(v.ack, t, f.consumers[1 - side]);
        }
        if ((flags & FrameView.RST) != 0) {
            closeConnection(f, t);
        } else if ((flags & FrameView.FIN) != 0) {
            f.streams[side].onFin(v.seq + v.payloadLen);
            if (side == 0) f.finSeen0 = true; else f.finSeen1 = true;
            if (f.finSeen0 && f.finSeen1) closeConnection(f, t);
        }
    }

    /** A UDP datagram (v.kind == UDP). */
    public void udp(FrameView v, int wireLen, long t) {
        expireIdle(t);
        Flow f = lookup(v, 17);
        int side;
        if (f == null) {
            f = create(v, 17, t);
            side = 0;
        } else {
            side = f.matches(v.srcHi, v.srcLo, v.srcPort, v.dstHi, v.dstLo, v.dstPort, 17) ? 0 : 1;
        }
        touch(f, side, v, wireLen, t);
        if (v.payloadLen > 0 && f.state != Flow.IGNORED) deliver(f, side, v.buf, v.payloadOff, v.payloadLen, t);
        if (f.complete) {                  // e.g. an answered DNS query: nothing more to learn, free the slot now
            finish(f, t);
            remove(f);
            stats.flowsExpired++;
        }
    }

    private void touch(Flow f, int side, FrameView v, int wireLen, long t) {
        if (!f.heard[side]) {
            f.heard[side] = true;
            sink.accept(new Fact.HostSeen(t, v.srcMac, f.endpoints[side].ip(), f.transport.label(), v.ttl));
        }
        f.packets++;
        f.bytes += wireLen;
        f.lastSeen = t;
        f.activeAt = clock(t);
        f.epoch = epoch;
        f.tag = tag;
        if (f != newest) {                 // move to the young end of the activity list
            unlink(f);
            linkNewest(f);
        }
    }

    // ------------------------------------------------------------------ delivery and detection

    private TcpStream.Consumer consumer(Flow f, int side) {
        return new TcpStream.Consumer() {
            @Override
            public void onBytes(byte[] buf, int off, int len, long t) {
                deliver(f, side, buf, off, len, t);
            }

            @Override
            public void onGap(long t) {
                stats.tcpGaps++;
                if (f.state == Flow.DECODING) {
                    try {
                        f.decoder.onGap(side, t);
                    } catch (RuntimeException e) {
                        decoderError(f, side, e);
                    }
                }
            }
        };
    }

    private static final int DETECT_BUFFER = 512;

    private void deliver(Flow f, int side, byte[] buf, int off, int len, long t) {
        if (f.state == Flow.DETECTING) {
            // headers are sometimes sent in a segment of their own (TPKT's 4 bytes, then COTP): detection looks
            // at the first bytes of a direction joined up, up to a small bound
            if (f.transport == io.gridscout.protocols.fact.Transport.TCP && (f.detectLen[side] > 0 || len < 64)) {
                byte[] acc = f.detectBuf[side];
                if (acc == null) acc = f.detectBuf[side] = new byte[DETECT_BUFFER];
                int take = Math.min(len, DETECT_BUFFER - f.detectLen[side]);
                System.arraycopy(buf, off, acc, f.detectLen[side], take);
                f.detectLen[side] += take;
                int n = f.detectLen[side];
                if (n == DETECT_BUFFER || take < len) f.detectLen[side] = 0;   // give up joining, start afresh
                if (!detect(f, acc, 0, n)) return;
                f.detectBuf[0] = f.detectBuf[1] = null;
                decode(f, side, acc, 0, n, t);
                if (take < len) decode(f, side, buf, off + take, len - take, t);
                return;
            } else if (!detect(f, buf, off, len)) {
                return;
            }
        }
        decode(f, side, buf, off, len, t);
    }

    private void decode(Flow f, int side, byte[] buf, int off, int len, long t) {
        if (f.state != Flow.DECODING) return;
        try {
            f.decoder.onData(side, buf, off, len, t);
        } catch (RuntimeException e) {
            decoderError(f, side, e);
        }
    }

    private boolean detect(Flow f, byte[] buf, int off, int len) {
        ProtocolSpec found = null;
        // candidates on their well-known port first, then content alone
        for (ProtocolSpec s : specs) {
            if (s.supports(f.transport) && (s.isWellKnownPort(f.aPort) || s.isWellKnownPort(f.bPort)) && safeMatches(s, buf, off, len, true, f.transport)) {
                found = s;
                break;
            }
        }
        if (found == null) {
            for (ProtocolSpec s : specs) {
                if (s.supports(f.transport) && safeMatches(s, buf, off, len, false, f.transport)) {
                    found = s;
                    break;
                }
            }
        }
        if (found == null) {
            if (++f.detectAttempts >= limits.detectAttempts()) {
                f.state = Flow.IGNORED;
                stats.ignoredFlows++;
            }
            return false;
        }
        f.spec = found;
        f.state = Flow.DECODING;
        stats.detectedFlows++;
        try {
            f.decoder = found.newDecoder(f);
        } catch (RuntimeException e) {
            f.state = Flow.IGNORED;
            decoderError(f, 0, e);
            return false;
        }
        return true;
    }

    private boolean safeMatches(ProtocolSpec s, byte[] buf, int off, int len, boolean hint, Transport tr) {
        try {
            return s.matches(buf, off, len, hint, tr);
        } catch (RuntimeException e) {
            stats.decoderErrors++;
            return false;
        }
    }

    private void decoderError(Flow f, int side, RuntimeException e) {
        stats.decoderErrors++;
        f.malformed(side, "decoder error " + e.getClass().getSimpleName());
    }

    // ------------------------------------------------------------------ lifecycle

    private void closeConnection(Flow f, long t) {
        if (f.closed) return;
        f.closed = true;
        stats.flowsClosed++;
        finishStreams(f, t);
    }

    private void finishStreams(Flow f, long t) {
        if (f.streams != null && f.state != Flow.IGNORED) {
            f.streams[0].flush(t, f.consumers[0]);
            f.streams[1].flush(t, f.consumers[1]);
        }
        if (f.state == Flow.DECODING) {
            try {
                f.decoder.onClose(t);
            } catch (RuntimeException e) {
                decoderError(f, 0, e);
            }
        }
    }

    /** Final flush of a flow leaving the table. */
    private void finish(Flow f, long t) {
        if (!f.closed) finishStreams(f, t);
        f.flush(sink);
    }

    /** Advances the idle clock to {@code t} if later, restarts it there after a discontinuity; returns it. */
    private long clock(long t) {
        if (t > clock || clock == Long.MIN_VALUE) {
            clock = t;
        } else if (clock - t > limits.idleTimeoutNanos()) {
            clock = t;
            epoch++;
        }
        return clock;
    }

    /**
     * Flows are linked in order of activity: earlier epochs first, then by the clock when last active; so idleness
     * holds for a prefix of the list and only the oldest flow needs checking.
     */
    private boolean idle(Flow f) {
        return f.epoch != epoch || clock - f.activeAt > limits.idleTimeoutNanos();
    }

    private void expireIdle(long t) {
        clock(t);
        while (oldest != null && idle(oldest)) expireOldest(t);
    }

    private void expireOldest(long t) {
        Flow f = oldest;
        finish(f, Math.max(t, f.lastSeen));        // after a discontinuity t may be before the flow's last packet
        remove(f);
        stats.flowsExpired++;
    }

    /**
     * The idle sweep on its own: closes, least recently active first, the flows idle for longer than the timeout
     * at time {@code t}, as the next TCP or UDP packet at {@code t} would. Lets a table that sees only a shard of
     * the frames close its idle flows at the same frame (and time) as one table seeing them all.
     */
    public void advance(long t) {
        expireIdle(t);
    }

    /**
     * Tags flows with a number of the caller's (e.g. the global index of the frame being processed): a flow keeps
     * the tag current when it was last touched, so the tags of the flows follow their least-recently-active order.
     */
    public void tag(long tag) {
        this.tag = tag;
    }

    /** The tag of the flow {@link #advance} would close first at {@code t}, or -1 when none is idle. */
    public long idleTag(long t) {
        clock(t);
        return oldest != null && idle(oldest) ? oldest.tag : -1;
    }

    /** One step of {@link #advance}: closes the least recently active flow if it is idle at {@code t}. */
    public boolean advanceOne(long t) {
        clock(t);
        if (oldest == null || !idle(oldest)) return false;
        expireOldest(t);
        return true;
    }

    /** The tag of the flow {@link #closeAll} would close first, or -1 when the table is empty. */
    public long oldestTag() {
        return oldest == null ? -1 : oldest.tag;
    }

    /** One step of {@link #closeAll}: closes the least recently active flow (at the later of t and its last packet). */
    public boolean closeOldest(long t) {
        Flow f = oldest;
        if (f == null) return false;
        finish(f, Math.max(t, f.lastSeen));
        remove(f);
        return true;
    }

    /** Emits every flow's counters accumulated since the last flush (live snapshots); flows stay. */
    public void flushAll() {
        for (Flow f = oldest; f != null; f = f.newer) f.flush(sink);
    }

    /** End of input: deliver queued bytes, close decoders, flush and drop every flow. */
    public void closeAll(long t) {
        while (closeOldest(t)) { }
    }

    // ------------------------------------------------------------------ hash table

    private static int endpointHash(long hi, long lo, int port) {
        long h = hi * 0x9E3779B97F4A7C15L ^ lo * 0xC2B2AE3D27D4EB4FL ^ port * 0x165667B19E3779F9L;
        return (int) (h ^ (h >>> 29) ^ (h >>> 47));
    }

    private static int hash(FrameView v, int proto) {
        // symmetric: both directions of a flow land in the same bucket
        int h = endpointHash(v.srcHi, v.srcLo, v.srcPort) ^ endpointHash(v.dstHi, v.dstLo, v.dstPort);
        h ^= proto * 0x27D4EB2D;
        return h ^ (h >>> 16);
    }

    private Flow lookup(FrameView v, int proto) {
        int h = hash(v, proto);
        for (Flow f = buckets[h & (buckets.length - 1)]; f != null; f = f.hashNext) {
            if (f.hash == h && (f.matches(v.srcHi, v.srcLo, v.srcPort, v.dstHi, v.dstLo, v.dstPort, proto)
                    || f.matchesReverse(v.srcHi, v.srcLo, v.srcPort, v.dstHi, v.dstLo, v.dstPort, proto))) {
                return f;
            }
        }
        return null;
    }

    private Flow create(FrameView v, int proto, long t) {
        if (size >= limits.maxFlows()) evictOne(t);
        int h = hash(v, proto);
        // fresh objects rather than a cache of recent ones: a cache lookup's misses cost more than TLAB allocation
        // (a 4,096-slot cache measured 3.5% slower on the 10M mix)
        Endpoint a = new Endpoint(v.srcMac, new IpAddr(v.srcHi, v.srcLo), v.srcPort);
        Endpoint b = new Endpoint(v.dstMac, new IpAddr(v.dstHi, v.dstLo), v.dstPort);
        Flow f = new Flow(this, h, v.srcHi, v.srcLo, v.srcPort, v.dstHi, v.dstLo, v.dstPort, proto, a, b);
        f.firstSeen = t;
        f.lastSeen = t;
        f.activeAt = clock(t);
        f.epoch = epoch;
        if (proto == 6) f.consumers = new TcpStream.Consumer[] {consumer(f, 0), consumer(f, 1)};
        int i = h & (buckets.length - 1);
        f.hashNext = buckets[i];
        buckets[i] = f;
        linkNewest(f);
        size++;
        stats.flowsCreated++;
        return f;
    }

    private void evictOne(long t) {
        Flow victim = oldest;
        int scanned = 0;
        for (Flow f = oldest; f != null && scanned < 32; f = f.newer, scanned++) {
            if (!f.isIndustrial()) {
                victim = f;
                break;
            }
        }
        if (victim == null) return;
        finish(victim, t);
        remove(victim);
        stats.flowsEvicted++;
    }

    private void remove(Flow f) {
        int i = f.hash & (buckets.length - 1);
        Flow prev = null;
        for (Flow x = buckets[i]; x != null; prev = x, x = x.hashNext) {
            if (x == f) {
                if (prev == null) buckets[i] = x.hashNext; else prev.hashNext = x.hashNext;
                break;
            }
        }
        unlink(f);
        size--;
    }

    private void linkNewest(Flow f) {
        f.older = newest;
        f.newer = null;
        if (newest != null) newest.newer = f; else oldest = f;
        newest = f;
    }

    private void unlink(Flow f) {
        if (f.older != null) f.older.newer = f.newer; else if (oldest == f) oldest = f.newer;
        if (f.newer != null) f.newer.older = f.older; else if (newest == f) newest = f.older;
        f.older = f.newer = null;
    }
}
