package io.gridscout.agent.capture;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The capture hot path: {@code pcap_next_ex} ({@link Pcap}, JNA direct mapping) on an open handle, its header read in
 * place and the frame's bytes copied straight into a {@link FrameBatch}: no callback into Java, no byte[] or
 * timestamp object per packet. {@code pcap_breakloop} wakes a blocked {@code pcap_next_ex} in libpcap 1.10.
 * Receive only: nothing here can send.
 */
final class PcapNext {
    // struct pcap_pkthdr { struct timeval ts; bpf_u_int32 caplen; bpf_u_int32 len; }
    private static final int TV_USEC = Native.LONG_SIZE, CAPLEN = 2 * Native.LONG_SIZE, LEN = CAPLEN + 4;

    private final Pointer pcap;
    private final Memory headerOut = new Memory(Native.POINTER_SIZE), dataOut = new Memory(Native.POINTER_SIZE);
    private Pointer header, data;

    PcapNext(Pointer pcap) {
        this.pcap = pcap;
    }

    /** libpcap's answer: 1 a packet (read it with the getters), 0 timeout, -1 error, -2 loop broken. */
    int next() {
        int rc = Pcap.pcap_next_ex(pcap, headerOut, dataOut);
        if (rc == 1) {
            header = headerOut.getPointer(0);
            data = dataOut.getPointer(0);
        }
        return rc;
    }

    int capturedLength() {
        return header.getInt(CAPLEN);
    }

    int wireLength() {
        return header.getInt(LEN);
    }

    /** Packet time in ns since the epoch (the handle uses libpcap's default microsecond stamps). */
    long timeNanos() {
        long sec = Native.LONG_SIZE == 8 ? header.getLong(0) : header.getInt(0) & 0xFFFFFFFFL;
        long usec = Native.LONG_SIZE == 8 ? header.getLong(TV_USEC) : header.getInt(TV_USEC);
        return sec * 1_000_000_000L + usec * 1_000L;
    }

    void copyTo(byte[] dst, int off, int len) {
        data.read(0, dst, off, len);
    }
}
