package io.gridscout.protocols.flow;

import java.util.Map;
import java.util.TreeMap;

/** Counters of the packet path; plain fields because one thread owns a pipeline. */
public final class FlowStats {
    public long flowsCreated, flowsEvicted, flowsExpired, flowsClosed;
    public long tcpGaps, decoderErrors, tallyOverflow, detectedFlows, ignoredFlows;
    private final Map<String, long[]> malformedByProtocol = new TreeMap<>();

    void malformed(String protocol) {
        long[] c = malformedByProtocol.get(protocol);
        if (c == null) malformedByProtocol.put(protocol, c = new long[1]);
        c[0]++;
    }

    public void malformedFrame(String layer) {
        malformed(layer);
    }

    public Map<String, Long> malformedByProtocol() {
        Map<String, Long> m = new TreeMap<>();
        malformedByProtocol.forEach((k, v) -> m.put(k, v[0]));
        return m;
    }

    public long malformedTotal() {
        long n = 0;
        for (long[] v : malformedByProtocol.values()) n += v[0];
        return n;
    }
}
