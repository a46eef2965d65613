package io.gridscout.protocols.pipeline;

import io.gridscout.protocols.fact.Confidence;
import io.gridscout.protocols.fact.Endpoint;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.FactSink;
import io.gridscout.protocols.fact.IpAddr;
import io.gridscout.protocols.fact.Mac;
import io.gridscout.protocols.flow.EtherTypeProtocol;
import io.gridscout.protocols.flow.FlowStats;
import io.gridscout.protocols.flow.FlowTable;
import io.gridscout.protocols.flow.ProtocolSpec;
import io.gridscout.protocols.net.FrameDecoder;
import io.gridscout.protocols.net.FrameView;
import io.gridscout.protocols.net.Ipv4Reassembler;
import io.gridscout.protocols.util.LongSet;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The packet path, in the order a packet takes it: frame views (L2-L4) → IPv4 defragmentation → flow table
 * and TCP reassembly → protocol decoders → facts. One pipeline is owned by one thread; file analysis and
 * live capture feed it the same way.
 */
public final class Pipeline {
    private static final int MAX_ARP_BINDINGS = 65_536;
    private static final int MAX_L2_SENDERS = 65_536;

    private final FactSink sink;
    private final FrameView view = new FrameView();
    private final FlowTable flows;
    private final Ipv4Reassembler defrag = new Ipv4Reassembler(64, 30_000_000_000L);
    private final EtherTypeProtocol.EtherTypeDecoder[] l2Decoders;
    private final EtherTypeProtocol[] l2Protocols;
    private final Map<Long, Integer> arpBindings = new HashMap<>();   // MAC -> last IPv4 it claimed
    private static final long ARP_CONFLICT_WINDOW = 60_000_000_000L;
    private final Map<Integer, long[]> arpOwners = new HashMap<>();   // IPv4 -> {last MAC claiming it, time}
    private final LongSet arpReported = new LongSet(MAX_ARP_BINDINGS); // conflicts and gratuitous senders reported
    private final LongSet l2Senders = new LongSet(MAX_L2_SENDERS);
    private final LongSet otherIpSenders = new LongSet(MAX_L2_SENDERS);
    private final PipelineStats stats;
    private long lastTime;

    public Pipeline(FactSink sink, List<ProtocolSpec> ipProtocols, List<EtherTypeProtocol> etherTypeProtocols, FlowTable.Limits limits) {
        this.sink = sink;
        this.flows = new FlowTable(ipProtocols, sink, limits);
        this.l2Protocols = etherTypeProtocols.toArray(new EtherTypeProtocol[0]);
        this.l2Decoders = new EtherTypeProtocol.EtherTypeDecoder[l2Protocols.length];
        for (int i = 0; i < l2Protocols.length; i++) l2Decoders[i] = l2Protocols[i].newDecoder(sink);
        this.stats = new PipelineStats(flows.stats());
    }

    public PipelineStats stats() {
        return stats;
    }

    public FlowTable flows() {
        return flows;
    }

    /** One frame as captured; {@code wireLen} is its length on the wire. */
    public void frame(int linkType, byte[] buf, int off, int len, int wireLen, long timeNanos) {
        decoded(decode(linkType, buf, off, len), wireLen, timeNanos);
    }

    /**
     * First half of {@link #frame}: decodes the frame's headers into {@link #view()} and returns its kind, so a
     * caller that needs the headers first (to pick a shard) does not decode them twice. Follow with
     * {@link #decoded} for the same frame, or decode the next one.
     */
    public int decode(int linkType, byte[] buf, int off, int len) {
        try {
            return FrameDecoder.decode(linkType, buf, off, len, view);
        } catch (RuntimeException e) {   // same last line of defence as decoded(): the frame counts as malformed
            caught();
            return FrameView.MALFORMED;
        }
    }

    /** The headers of the frame last given to {@link #decode} (valid until the next frame). */
    public FrameView view() {
        return view;
    }

    /**
     * Second half of {@link #frame}, for the frame just given to {@link #decode} ({@code kind} is what it
     * returned). Every frame first runs the flow table's idle sweep at its time, whatever its kind, so that
     * pipelines that each see a shard of the frames can close idle flows at exactly the same frame.
     */
    public void decoded(int kind, int wireLen, long timeNanos) {
        stats.packets++;
        stats.bytes += wireLen;
        lastTime = timeNanos;
        try {
            flows.advance(timeNanos);
            switch (kind) {
                case FrameView.TCP -> flows.tcp(view, wireLen, timeNanos);
                case FrameView.UDP -> flows.udp(view, wireLen, timeNanos);
                case FrameView.FRAGMENT -> fragment(wireLen, timeNanos);
                case FrameView.ARP -> arp(timeNanos);
                case FrameView.L2 -> l2(timeNanos);
                case FrameView.IP -> otherIp(timeNanos);
                case FrameView.MALFORMED -> {
                    stats.malformedFrames++;
                    flows.stats().malformedFrame("frame");
                }
                default -> stats.unsupportedFrames++;
            }
        } catch (RuntimeException e) {
            // last line of defence: a bug in the flow layer (reassembly, detection) on hostile bytes costs this frame,
            // not the analysis or the live agent. Counted with the decoder guard's errors (CLI health, metrics);
            // the fuzz targets require internalErrors to stay 0, so such a bug is still a finding there.
            caught();
        }
    }

    /** Counts an exception the guards caught: with the decoder guard's errors (CLI health, metrics) too. */
    private void caught() {
        stats.internalErrors++;
        flows.stats().decoderErrors++;
    }

    private void fragment(int wireLen, long t) {
        stats.fragments++;
        if (view.ipVersion != 4) return;      // IPv6 fragments are not reassembled (rare on OT networks)
        byte[] whole = defrag.add(view, t);
        if (whole == null) return;
        int kind = FrameDecoder.transport(whole, 0, whole.length, view);
        view.buf = whole;
        if (kind == FrameView.TCP) flows.tcp(view, wireLen, t);
        else if (kind == FrameView.UDP) flows.udp(view, wireLen, t);
    }

    private void arp(long t) {
        long mac = view.arpSenderMac;
        int ip = view.arpSenderIp;
        if (ip == 0 || Mac.isGroup(mac)) return;          // ARP probes claim no address yet
        arpClaim(mac, ip, t);
        Integer prev = arpBindings.get(mac);
        if (prev != null && prev == ip) return;
        if (prev == null && arpBindings.size() >= MAX_ARP_BINDINGS) {
            stats.arpBindingsDropped++;
            return;
        }
        arpBindings.put(mac, ip);
        sink.accept(new Fact.HostSeen(t, mac, IpAddr.v4(ip), "arp"));
    }

    /**
     * Gratuitous ARP (sender IP = target IP: an announcement, failover or address change) and conflicts: a second
     * MAC claiming an IPv4 within {@link #ARP_CONFLICT_WINDOW} of the first. Each reported once (bounded sets).
     */
    private void arpClaim(long mac, int ip, long t) {
        if (view.arpTargetIp == ip && arpReported.add(mac ^ 0x5A5A_0000_0000_0000L)) {
            sink.accept(new Fact.Identity(t, new Endpoint(mac, IpAddr.v4(ip), 0), "gratuitousArp", "true", "arp", Confidence.STATED));
        }
        long[] owner = arpOwners.get(ip);
        if (owner == null) {
            if (arpOwners.size() >= MAX_ARP_BINDINGS) {
                stats.arpBindingsDropped++;
                return;
            }
            arpOwners.put(ip, new long[] {mac, t});
            return;
        }
        if (owner[0] != mac && t - owner[1] <= ARP_CONFLICT_WINDOW) {
            long lo = Math.min(owner[0], mac), hi = Math.max(owner[0], mac);
            if (arpReported.add((lo * 31 + hi) * 1_000_003L + ip)) {
                sink.accept(new Fact.Identity(t, new Endpoint(Mac.NONE, IpAddr.v4(ip), 0), "arpConflict",
                        Mac.format(lo) + "," + Mac.format(hi), "arp", Confidence.STATED));
            }
        }
        owner[0] = mac;
        owner[1] = t;
    }

    private void l2(long t) {
        int et = view.etherType;
        for (int i = 0; i < l2Protocols.length; i++) {
            if (l2Protocols[i].handles(et)) {
                l2Decoders[i].onFrame(et, view.srcMac, view.dstMac, view.vlanId, view.buf, view.l2PayloadOff, view.l2PayloadLen, t);
                break;
            }
        }
        // whatever the protocol, the sender was heard (switches' STP, PROFINET DCP, ...)
        long mac = view.srcMac;
        if (mac != Mac.NONE && !Mac.isGroup(mac) && l2Senders.add(mac)) {
            sink.accept(new Fact.HostSeen(t, mac, null, "ethernet"));
        }
    }

    private void otherIp(long t) {
        // ICMP, IGMP, routing protocols...: the sender is heard even if it never opens a flow
        if (otherIpSenders.add(view.srcLo ^ (view.srcHi * 31))) {
            sink.accept(new Fact.HostSeen(t, view.srcMac, new IpAddr(view.srcHi, view.srcLo), "ip", view.ttl));
        }
    }

    /** Flushes conversation counters so far (for live snapshots); flows stay open. */
    public void flush() {
        flows.flushAll();
    }

    /** End of input: closes every flow and flushes its counters. */
    public void finish() {
        finish(lastTime);
    }

    /**
     * End of input at {@code endTime}, the time of the last frame of the whole input: a pipeline that saw only a
     * shard of the frames closes its flows at the same time as one that saw them all.
     */
    public void finish(long endTime) {
        flows.closeAll(endTime);
        stats.fragmentsDropped = defrag.dropped();
    }

    /** Counters of the whole packet path. */
    public static final class PipelineStats {
        public long packets, bytes, malformedFrames, unsupportedFrames, fragments, fragmentsDropped, arpBindingsDropped;
        /** Exceptions of the flow layer caught by the guard in {@link #decoded} (each cost one frame). */
        public long internalErrors;
        private final FlowStats flows;

        PipelineStats(FlowStats flows) {
            this.flows = flows;
        }

        public FlowStats flows() {
            return flows;
        }
    }
}
