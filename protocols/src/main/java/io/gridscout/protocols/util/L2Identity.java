package io.gridscout.protocols.util;

import io.gridscout.protocols.fact.Confidence;
import io.gridscout.protocols.fact.Endpoint;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.FactSink;

/**
 * What the link-layer discovery decoders (LLDP, CDP) share: a sender re-announces the same PDU every few seconds,
 * so a PDU is read only when its content changes (sender MAC + content hash in a bounded set); what it states
 * becomes Identity facts of the sender under one source name.
 */
public final class L2Identity {
    private final FactSink sink;
    private final String source;
    private final LongSet seen;
    private long malformed;

    public L2Identity(FactSink sink, String source, int maxSeen) {
        this.sink = sink;
        this.source = source;
        this.seen = new LongSet(maxSeen);
    }

    /** False when this sender sent exactly these bytes before (or the table is full): repeats cost a hash. */
    public boolean isNew(long srcMac, byte[] b, int off, int len) {
        long h = srcMac * 0x9E3779B97F4A7C15L;
        for (int i = off; i < off + len; i++) h = h * 31 + b[i];
        return seen.add(h);
    }

    /** Identity from printable text; nothing when the text is empty. */
    public void text(Endpoint ep, String attr, byte[] b, int p, int l, long t) {
        String v = Text.printable(b, p, l);
        if (!v.isEmpty()) emit(ep, attr, v, t);
    }

    public void emit(Endpoint ep, String attr, String value, long t) {
        sink.accept(new Fact.Identity(t, ep, attr, value, source, Confidence.STATED));
    }

    public void bad(Endpoint ep, String reason, long t) {
        malformed++;
        sink.accept(new Fact.Malformed(t, ep, source, reason));
    }

    public long malformed() {
        return malformed;
    }

    /** Names of the set bits (bit i = names[i]), comma separated; "" when none is known. */
    public static String flags(int bits, String[] names) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < names.length; i++) {
            if ((bits & (1 << i)) == 0) continue;
            if (sb.length() > 0) sb.append(',');
            sb.append(names[i]);
        }
        return sb.toString();
    }
}
