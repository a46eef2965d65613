package io.gridscout.agent.capture;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import org.pcap4j.core.PcapHandle;

/**
 * The capture hot path without pcap4j's per-packet costs: {@code pcap_next_ex} bound by JNA direct mapping on
 * the handle pcap4j opened, its header read in place and the frame's bytes copied straight into a
 * {@link FrameBatch}. pcap4j's {@code loop()} calls back into Java for every packet (a JNA callback, a byte[],
 * a Timestamp and two ThreadLocals per frame: about 1 µs). pcap4j still opens, filters, counts drops, breaks
 * the loop ({@code pcap_breakloop} wakes a blocked {@code pcap_next_ex} in libpcap 1.10) and closes.
 * Receive only: nothing here can send.
 */
final class PcapNext {
    static {
        // the library pcap4j loaded (same name, same property): NativeLibrary instances are shared by name
        Native.register(PcapNext.class, NativeLibrary.getInstance(System.getProperty("org.pcap4j.core.pcapLibName", "pcap")));
    }

    private static native int pcap_next_ex(Pointer p, Pointer header, Pointer data);

    /** pcap4j 1.8 keeps the pcap_t in a private field; read once per handle, not per packet. */
    static Pointer pcapT(PcapHandle h) {
        try {
            java.lang.reflect.Field f = PcapHandle.class.getDeclaredField("handle");
            f.setAccessible(true);
            return (Pointer) f.get(h);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("pcap4j changed: cannot reach its pcap_t (" + e + ")", e);
        }
    }

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
        int rc = pcap_next_ex(pcap, headerOut, dataOut);
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

    /** Packet time in ns since the epoch (the handle uses microsecond stamps, pcap4j's default). */
    long timeNanos() {
        long sec = Native.LONG_SIZE == 8 ? header.getLong(0) : header.getInt(0) & 0xFFFFFFFFL;
        long usec = Native.LONG_SIZE == 8 ? header.getLong(TV_USEC) : header.getInt(TV_USEC);
        return sec * 1_000_000_000L + usec * 1_000L;
    }

    void copyTo(byte[] dst, int off, int len) {
        data.read(0, dst, off, len);
    }
}
