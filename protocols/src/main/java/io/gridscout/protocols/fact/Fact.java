package io.gridscout.protocols.fact;

import java.util.List;

/**
 * The seam between decoders and the inventory: small immutable statements about what the wire showed.
 * Decoders know nothing of assets; the inventory knows nothing of wire formats. Facts are emitted when
 * something new is learned or when counters are flushed, not per packet.
 */
public sealed interface Fact {
    /** Packet time, nanoseconds since the epoch. */
    long time();

    /**
     * A host sent traffic with this source MAC and IP (ip null for L2-only senders). {@code ttl} is the IPv4 TTL or
     * IPv6 hop limit of the packet that made it heard (-1 when unknown): an initial value (64, 128, 255, 1) means
     * the packet left its sender on this link, a lower one that a router forwarded it with its own MAC.
     */
    record HostSeen(long time, long mac, IpAddr ip, String source, int ttl) implements Fact {
        public HostSeen(long time, long mac, IpAddr ip, String source) {
            this(time, mac, ip, source, -1);
        }

        /** True when the TTL is one that senders start with, so the frame was not routed on its way here. */
        public boolean unrouted() {
            return ttl == 64 || ttl == 128 || ttl == 255 || ttl == 1;
        }
    }

    /** Endpoint plays a role (client/server, master/outstation, publisher...) of a protocol. */
    record Service(long time, Endpoint endpoint, String protocol, Transport transport, String role) implements Fact {}

    /**
     * A protocol detail of a service, e.g. ("modbus","server","unitIds",1), ("dnp3","outstation","linkAddresses",10),
     * ("opcua","server","securityPolicies","...#None"). Values are Long or String; the inventory keeps the set.
     */
    record ServiceDetail(long time, Endpoint endpoint, String protocol, Transport transport, String role, String name, Object value)
            implements Fact {}

    /** Endpoint states an attribute about itself (or is stated about): vendor, model, firmware, serial, name... */
    record Identity(long time, Endpoint endpoint, String name, String value, String source, double confidence) implements Fact {}

    /**
     * Traffic between a client and a server of one protocol since the last flush: packet and byte counts,
     * operations with counts, exception counts and protocol specific details (e.g. Modbus register ranges).
     */
    record Conversation(long time, long firstSeen, Endpoint client, Endpoint server, String protocol, Transport transport,
                        long packets, long bytes, List<OperationCount> operations, List<Detail> details) implements Fact {}

    record OperationCount(int code, String name, OperationKind kind, long count) {}

    /** A named protocol-specific detail of a conversation, e.g. ("exception", "02 illegal data address", 3). */
    record Detail(String name, String value, long count) {}

    /** Bytes of a protocol that did not parse. Counted; the pipeline goes on. */
    record Malformed(long time, Endpoint endpoint, String protocol, String reason) implements Fact {}
}
