package io.gridscout.agent.capture;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

import java.nio.charset.StandardCharsets;

/**
 * The few libpcap calls the agent makes, bound with JNA direct mapping: open a handle ({@code pcap_create},
 * {@code pcap_set_*}, {@code pcap_activate}), set a BPF filter, read packets ({@code pcap_next_ex}, see
 * {@link PcapNext}), read drop counters, break a blocked read, close. Receive only: none of libpcap's sending
 * functions is bound, so nothing here can send (CaptureTest checks the sources for them).
 *
 * <p>The library is {@code libpcap} found by JNA on the usual paths (Debian ships only {@code libpcap.so.0.8}, which JNA
 * matches); {@code -Dgridscout.libpcap=/path/to/libpcap.so} names another one.
 */
final class Pcap {
    static final String LIBRARY = System.getProperty("gridscout.libpcap", "pcap");

    static {
        Native.register(Pcap.class, NativeLibrary.getInstance(LIBRARY));
    }

    private Pcap() {}

    static final int ERRBUF_SIZE = 256;
    static final int ERROR = -1, ERROR_BREAK = -2, ERROR_NO_SUCH_DEVICE = -5, ERROR_PERM_DENIED = -8;

    static native String pcap_lib_version();
    static native Pointer pcap_create(String source, byte[] errbuf);
    static native int pcap_set_snaplen(Pointer p, int snaplen);
    static native int pcap_set_promisc(Pointer p, int promisc);
    static native int pcap_set_timeout(Pointer p, int millis);
    static native int pcap_set_buffer_size(Pointer p, int bytes);
    static native int pcap_activate(Pointer p);
    static native int pcap_datalink(Pointer p);
    static native int pcap_compile(Pointer p, Pointer program, String filter, int optimize, int netmask);
    static native int pcap_setfilter(Pointer p, Pointer program);
    static native void pcap_freecode(Pointer program);
    static native int pcap_stats(Pointer p, Pointer stats);
    static native Pointer pcap_geterr(Pointer p);
    static native Pointer pcap_statustostr(int status);
    static native void pcap_breakloop(Pointer p);
    static native void pcap_close(Pointer p);
    static native int pcap_next_ex(Pointer p, Pointer header, Pointer data);

    /** libpcap's version line; loads the library (throws a LinkageError when it cannot be loaded). */
    static String libVersion() {
        return pcap_lib_version();
    }

    /** Thrown when libpcap refuses: the message is libpcap's own. */
    static final class PcapException extends Exception {
        final int status;

        PcapException(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private static String cString(Pointer p) {
        return p == null ? "" : p.getString(0, StandardCharsets.UTF_8.name());
    }

    /** One activated live handle. Methods other than {@link #breakLoop()} and {@link #stats()} belong to one thread. */
    static final class Handle {
        // PCAP_NETMASK_UNKNOWN: the filter does not test for IPv4 broadcast
        private static final int NETMASK_UNKNOWN = 0xffffffff;
        private final Pointer pcap;
        private volatile boolean closed;

        private Handle(Pointer pcap) {
            this.pcap = pcap;
        }

        /** pcap_create + snaplen/promiscuous/timeout/buffer + pcap_activate (warnings from activate are not errors). */
        static Handle openLive(String iface, int snaplen, boolean promiscuous, int timeoutMillis, int bufferBytes) throws PcapException {
            byte[] err = new byte[ERRBUF_SIZE];
            Pointer p = pcap_create(iface, err);
            if (p == null) throw new PcapException(ERROR, Native.toString(err, StandardCharsets.UTF_8.name()));
            pcap_set_snaplen(p, snaplen);
            pcap_set_promisc(p, promiscuous ? 1 : 0);
            pcap_set_timeout(p, timeoutMillis);
            if (bufferBytes > 0) pcap_set_buffer_size(p, bufferBytes);
            int rc = pcap_activate(p);
            if (rc < 0) {
                // the error text of PCAP_ERROR and PCAP_ERROR_PERM_DENIED etc. is in pcap_geterr, the others have only a status string
                String detail = cString(pcap_geterr(p));
                String status = cString(pcap_statustostr(rc));
                pcap_close(p);
                throw new PcapException(rc, detail.isEmpty() ? status : status + ": " + detail);
            }
            return new Handle(p);
        }

        Pointer pointer() {
            return pcap;
        }

        int datalink() {
            return pcap_datalink(pcap);
        }

        /** Compiles (optimized) and installs a BPF filter. */
        void setFilter(String bpf) throws PcapException {
            Memory program = new Memory(Native.POINTER_SIZE * 2L);   // struct bpf_program { u_int bf_len; struct bpf_insn *bf_insns; }
            program.clear();
            if (pcap_compile(pcap, program, bpf, 1, NETMASK_UNKNOWN) != 0) throw new PcapException(ERROR, error());
            try {
                if (pcap_setfilter(pcap, program) != 0) throw new PcapException(ERROR, error());
            } finally {
                pcap_freecode(program);
            }
        }

        /** The last error libpcap recorded for this handle. */
        String error() {
            return cString(pcap_geterr(pcap));
        }

        /** {ps_drop, ps_ifdrop} of struct pcap_stat { u_int ps_recv; u_int ps_drop; u_int ps_ifdrop; }. */
        long[] stats() throws PcapException {
            if (closed) throw new PcapException(ERROR, "closed");
            Memory s = new Memory(16);
            s.clear();
            if (pcap_stats(pcap, s) != 0) throw new PcapException(ERROR, error());
            return new long[] {s.getInt(4) & 0xFFFFFFFFL, s.getInt(8) & 0xFFFFFFFFL};
        }

        /** Makes a blocked {@code pcap_next_ex} return -2 (libpcap 1.10 wakes it). */
        void breakLoop() {
            if (!closed) pcap_breakloop(pcap);
        }

        boolean isClosed() {
            return closed;
        }

        void close() {
            if (closed) return;
            closed = true;
            pcap_close(pcap);
        }
    }
}
