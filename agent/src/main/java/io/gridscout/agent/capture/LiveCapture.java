package io.gridscout.agent.capture;

import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.PcapStat;
import org.pcap4j.core.Pcaps;
import org.pcap4j.core.RawPacketListener;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;

/**
 * Passive capture on one interface via libpcap: one thread runs {@code pcap_loop} and copies each frame into
 * the {@link FrameQueue}. Nothing here ever sends: the handle is used only for loop, filter, stats and close.
 * {@code loop()} + {@code breakLoop()} because {@code getNextRawPacket} blocks forever on an idle interface
 * (libpcap 1.10, TPACKET_V3).
 */
public final class LiveCapture implements AutoCloseable {
    private final String iface;
    private final PcapHandle handle;
    private final int linkType;
    private final Thread thread;
    private volatile boolean stopping;
    private volatile String failure;
    private volatile long frames;
    private volatile PcapStat lastStats;

    private LiveCapture(String iface, PcapHandle handle, FrameQueue queue) {
        this.iface = iface;
        this.handle = handle;
        this.linkType = handle.getDlt().value();
        this.thread = new Thread(() -> run(queue), "capture-" + iface);
        this.thread.setDaemon(true);
    }

    /** Opens {@code iface} and starts its capture thread. */
    public static LiveCapture start(String iface, CaptureOptions o, FrameQueue queue) throws CaptureUnavailableException {
        requireCapturePrivileges();
        PcapHandle h;
        try {
            PcapNetworkInterface nif = Pcaps.getDevByName(iface);
            if (nif == null) throw new CaptureUnavailableException("no such interface: " + iface);
            h = new PcapHandle.Builder(iface).snaplen(o.snaplen())
                    .promiscuousMode(o.promiscuous() ? PcapNetworkInterface.PromiscuousMode.PROMISCUOUS : PcapNetworkInterface.PromiscuousMode.NONPROMISCUOUS)
                    .timeoutMillis(100).bufferSize(o.bufferBytes()).build();
        } catch (PcapNativeException e) {
            throw new CaptureUnavailableException("cannot open " + iface + ": " + e.getMessage());
        }
        try {
            if (o.bpf() != null && !o.bpf().isBlank()) h.setFilter(o.bpf(), BpfProgram.BpfCompileMode.OPTIMIZE);
        } catch (PcapNativeException | NotOpenException e) {
            h.close();
            throw new CaptureUnavailableException("bad BPF filter '" + o.bpf() + "': " + e.getMessage());
        }
        LiveCapture c = new LiveCapture(iface, h, queue);
        c.thread.start();
        return c;
    }

    /** Refuses with one clear line when libpcap cannot be loaded or the process lacks CAP_NET_RAW. */
    public static void requireCapturePrivileges() throws CaptureUnavailableException {
        try {
            Pcaps.libVersion();
        } catch (Throwable e) {   // UnsatisfiedLinkError/NoClassDefFoundError from JNA: no usable libpcap
            throw new CaptureUnavailableException("libpcap not found (install libpcap0.8 or libpcap): " + e.getMessage());
        }
        if (!hasCapNetRaw()) {
            throw new CaptureUnavailableException("live capture needs CAP_NET_RAW: run as the gridscout service "
                    + "(AmbientCapabilities=CAP_NET_RAW) or grant it, e.g. setcap cap_net_raw+ep on the java binary");
        }
    }

    /** Bit 13 of the effective capability set; true when the set cannot be read (not Linux: let libpcap decide). */
    static boolean hasCapNetRaw() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << 13)) != 0;
            }
        } catch (Exception e) {
            return true;
        }
        return true;
    }

    private void run(FrameQueue queue) {
        RawPacketListener listener = raw -> {
            Timestamp ts = handle.getTimestamp();
            long t = ts.getTime() / 1000 * 1_000_000_000L + ts.getNanos();
            Integer orig = handle.getOriginalLength();
            frames++;
            queue.offer(new Frame(linkType, raw, orig != null ? orig : raw.length, t));
        };
        try {
            handle.loop(-1, listener);
        } catch (InterruptedException e) {
            // breakLoop(): normal shutdown
        } catch (PcapNativeException | NotOpenException e) {
            if (!stopping) failure = e.getMessage();
        }
    }

    public String iface() {
        return iface;
    }

    public int linkType() {
        return linkType;
    }

    public long frames() {
        return frames;
    }

    /** Why the capture thread ended early, or null. */
    public String failure() {
        return failure;
    }

    /** Kernel drops (ring full) and interface drops as libpcap reports them; the last good answer after close. */
    public PcapStat stats() {
        if (!stopping) {
            try {
                lastStats = handle.getStats();
            } catch (PcapNativeException | NotOpenException e) {
                // closed concurrently: keep the last answer
            }
        }
        return lastStats;
    }

    @Override
    public void close() {
        stats();
        stopping = true;
        try {
            handle.breakLoop();
        } catch (NotOpenException e) {
            // already closed
        }
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        handle.close();
    }
}
