package io.gridscout.protocols.net;

import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reassembles fragmented IPv4 datagrams with hard bounds: at most {@code maxDatagrams} in progress, each
 * at most 64 KiB, dropped after {@code timeoutNanos}. Overlapping fragments: the first copy wins.
 * Fragmentation is rare on control networks, so this path may allocate.
 */
public final class Ipv4Reassembler {
    private static final int MAX_DATAGRAM = 65535;

    private final int maxDatagrams;
    private final long timeoutNanos;
    private final Map<Key, Partial> partials = new LinkedHashMap<>();
    private long dropped;

    public Ipv4Reassembler(int maxDatagrams, long timeoutNanos) {
        this.maxDatagrams = maxDatagrams;
        this.timeoutNanos = timeoutNanos;
    }

    private record Key(long src, long dst, int id, int proto) {}

    private static final class Partial {
        final byte[] data = new byte[MAX_DATAGRAM];
        final long firstTime;
        int totalLen = -1;     // known when the last fragment arrived
        int received;          // bytes received (without overlaps)
        int maxEnd;            // highest end offset received
        final long[] have = new long[(MAX_DATAGRAM + 63) / 64 / 8 + 1]; // bitmap in 8-byte units

        Partial(long t) {
            firstTime = t;
        }
    }

    /**
     * Adds the fragment in {@code v}. Returns a complete datagram payload (transport header onward) when this
     * fragment completed it, else null.
     */
    public byte[] add(FrameView v, long timeNanos) {
        expire(timeNanos);
        Key k = new Key(v.srcLo, v.dstLo, v.ipId, v.ipProto);
        Partial p = partials.get(k);
        if (p == null) {
            if (partials.size() >= maxDatagrams) {
                Iterator<Partial> it = partials.values().iterator();
                it.next();
                it.remove();
                dropped++;
            }
            p = new Partial(timeNanos);
            partials.put(k, p);
        }
        int off = v.fragOffset, len = v.payloadLen;
        if (v.moreFragments) len &= ~7;     // only the last fragment may end off an 8-byte boundary (RFC 791)
        int end = off + len;
        // data past the declared end, or a last fragment that contradicts what arrived: inconsistent, give up
        boolean bogus = end > MAX_DATAGRAM || len < 0
                || (v.moreFragments ? p.totalLen >= 0 && end > p.totalLen
                                    : (p.totalLen >= 0 && p.totalLen != end) || end < p.maxEnd);
        if (bogus) {
            partials.remove(k);
            dropped++;
            return null;
        }
        if (!v.moreFragments) p.totalLen = end;
        p.maxEnd = Math.max(p.maxEnd, end);
        // copy in 8-byte units not yet present
        for (int unit = off / 8, endUnit = (off + len + 7) / 8; unit < endUnit; unit++) {
            int word = unit >>> 6;
            long bit = 1L << (unit & 63);
            if ((p.have[word] & bit) != 0) continue;
            int from = unit * 8, to = Math.min(from + 8, off + len);
            System.arraycopy(v.buf, v.payloadOff + (from - off), p.data, from, to - from);
            p.have[word] |= bit;
            p.received += to - from;
        }
        if (p.totalLen >= 0 && p.received >= p.totalLen) {
            partials.remove(k);
            return Arrays.copyOf(p.data, p.totalLen);
        }
        return null;
    }

    private void expire(long now) {
        Iterator<Partial> it = partials.values().iterator();
        while (it.hasNext()) {
            Partial p = it.next();
            if (now - p.firstTime <= timeoutNanos) break;   // insertion order = age order
            it.remove();
            dropped++;
        }
    }

    /** Datagrams given up (timeout, cap, bogus offsets). */
    public long dropped() {
        return dropped;
    }

    public int inProgress() {
        return partials.size();
    }
}
