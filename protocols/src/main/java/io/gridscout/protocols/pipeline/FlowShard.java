package io.gridscout.protocols.pipeline;

import io.gridscout.protocols.net.FrameDecoder;
import io.gridscout.protocols.net.FrameView;

/**
 * Which of N pipelines owns a frame, so several threads can each own a {@link Pipeline}. Everything a pipeline
 * keeps per conversation must see all of that conversation's frames, so TCP, UDP and IP fragments are sharded
 * by the unordered pair of IP addresses: both directions meet, and fragments (whose later pieces carry no ports)
 * land with the rest of their flow, so reassembly and the flow see the same frames as in one pipeline. Frames
 * whose state is per sender rather than per flow (ARP bindings, L2 protocols, ICMP and other IP, malformed and
 * unknown frames) all go to shard 0, which then holds exactly the state one pipeline would.
 */
public final class FlowShard {
    private FlowShard() {}

    /** Shard of a frame already decoded into {@code v}, in [0, shards). */
    public static int of(FrameView v, int shards) {
        if (shards <= 1) return 0;
        int k = v.kind;
        if (k != FrameView.TCP && k != FrameView.UDP && k != FrameView.FRAGMENT) return 0;
        long a = mix(v.srcHi, v.srcLo), b = mix(v.dstHi, v.dstLo);
        long h = a ^ b;                                // symmetric: a->b and b->a hash alike
        h ^= h >>> 31;
        h *= 0x94D049BB133111EBL;
        h ^= h >>> 29;
        return (int) ((h >>> 1) % shards);
    }

    /** Number of flow buckets {@link #bucket} spreads frames over (so shards can get unequal shares). */
    public static final int BUCKETS = 256;

    /**
     * The frame's bucket in [0, {@link #BUCKETS}) by the same symmetric hash, or -1 for a frame that must go to
     * shard 0 (per-sender state: ARP, L2, other IP, malformed). Callers map buckets to shards as they like.
     */
    public static int bucket(FrameView v) {
        int k = v.kind;
        if (k != FrameView.TCP && k != FrameView.UDP && k != FrameView.FRAGMENT) return -1;
        return bucket(v.srcHi, v.srcLo, v.dstHi, v.dstLo);
    }

    /** Returned by {@link #quickBucket} when only a full header decode can tell. */
    public static final int DECODE = -2;

    private static final long V4_MAPPED = 0x0000_FFFF_0000_0000L;

    /**
     * The bucket of the common frame (Ethernet, at most one 802.1Q tag, IPv4 carrying TCP, UDP or a fragment) read
     * straight from the bytes, without decoding the headers: a lane that runs only some of the frames need not
     * decode the others. -1 (shard 0) for Ethernet frames that carry no IP at all (GOOSE, ARP, LLC...);
     * {@link #DECODE} for anything else. Where it answers, the answer is {@link #bucket(FrameView)}'s for the
     * decoded frame; a frame the decoder would call malformed may still get a bucket here (its lane then counts it
     * as malformed: it has no per-sender state and gives no facts).
     */
    public static int quickBucket(int linkType, byte[] b, int off, int len) {
        if (linkType != 1 || len < 34) return DECODE;
        int p = off + 14;
        int type = (b[off + 12] & 0xFF) << 8 | (b[off + 13] & 0xFF);
        if (type == 0x8100) {
            type = (b[off + 16] & 0xFF) << 8 | (b[off + 17] & 0xFF);
            p += 4;
            if (len < 38) return DECODE;
        }
        if (type != 0x0800) {
            boolean mayCarryIp = type == 0x86DD || type == 0x8100 || type == 0x88A8 || type == 0x9100;
            return mayCarryIp ? DECODE : -1;
        }
        if ((b[p] & 0xF0) != 0x40) return DECODE;
        int proto = b[p + 9];
        boolean fragment = (b[p + 6] & 0x3F) != 0 || b[p + 7] != 0;   // more-fragments flag or an offset
        if (!fragment && proto != 6 && proto != 17) return DECODE;
        return bucket(0, V4_MAPPED | (FrameDecoder.s32(b, p + 12) & 0xFFFF_FFFFL),
                0, V4_MAPPED | (FrameDecoder.s32(b, p + 16) & 0xFFFF_FFFFL));
    }

    private static int bucket(long srcHi, long srcLo, long dstHi, long dstLo) {
        long h = mix(srcHi, srcLo) ^ mix(dstHi, dstLo);   // symmetric: a->b and b->a hash alike
        h ^= h >>> 31;
        h *= 0x94D049BB133111EBL;
        h ^= h >>> 29;
        return (int) (h >>> 56);
    }

    private static long mix(long hi, long lo) {
        long h = hi * 0x9E3779B97F4A7C15L + lo * 0xC2B2AE3D27D4EB4FL;
        return h ^ (h >>> 32);
    }
}
