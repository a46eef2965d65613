package io.gridscout.protocols.flow;

import io.gridscout.protocols.fact.Endpoint;
import io.gridscout.protocols.fact.IpAddr;

/**
 * Reuses the {@link Endpoint} and {@link IpAddr} objects of recent flows for new flows between the same hosts
 * (a client's next DNS query, HTTP request, SMB session...): a direct-mapped cache, a slot per hash, a miss
 * replaces the slot. Values are immutable records compared by value downstream, so sharing them changes no
 * output; it saves two or four allocations per flow and, when the facts are read on another core (sharded
 * analysis), the lines that core would otherwise fetch for every new flow's copies.
 */
final class EndpointCache {
    private static final int SLOTS = 4096;
    private final Endpoint[] endpoints = new Endpoint[SLOTS];
    private final IpAddr[] ips = new IpAddr[SLOTS];

    Endpoint endpoint(long mac, long hi, long lo, int port) {
        long h = mix(hi * 31 + lo);
        int i = (int) (mix(h ^ mac * 0x9E3779B97F4A7C15L ^ port) & (SLOTS - 1));
        Endpoint e = endpoints[i];
        if (e != null && e.mac() == mac && e.port() == port && e.ip().lo() == lo && e.ip().hi() == hi) return e;
        int j = (int) (h & (SLOTS - 1));
        IpAddr ip = ips[j];
        if (ip == null || ip.lo() != lo || ip.hi() != hi) {
            ip = new IpAddr(hi, lo);
            ips[j] = ip;
        }
        e = new Endpoint(mac, ip, port);
        endpoints[i] = e;
        return e;
    }

    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        return h;
    }
}
