package io.gridscout.protocols.flow;

import io.gridscout.protocols.fact.FactSink;

/**
 * A protocol carried directly over Ethernet (GOOSE 0x88B8, Sampled Values 0x88BA, LLDP 0x88CC, ...).
 * One decoder per pipeline; it keeps its own bounded state (e.g. last stNum per publisher).
 */
public interface EtherTypeProtocol {
    String name();

    boolean handles(int etherType);

    EtherTypeDecoder newDecoder(FactSink sink);

    interface EtherTypeDecoder {
        /**
         * One frame's payload after the Ethernet/VLAN headers. {@code vlanId} is -1 when untagged. Must not throw;
         * bad bytes become a {@code Fact.Malformed}.
         */
        void onFrame(int etherType, long srcMac, long dstMac, int vlanId, byte[] buf, int off, int len, long timeNanos);
    }
}
