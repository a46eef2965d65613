package io.gridscout.protocols.pipeline;

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
        long h = mix(v.srcHi, v.srcLo) ^ mix(v.dstHi, v.dstLo);
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
