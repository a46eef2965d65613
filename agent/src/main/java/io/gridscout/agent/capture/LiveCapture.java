package io.gridscout.agent.capture;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Passive capture on one interface via libpcap ({@link Pcap}, bound with JNA): one thread calls {@code pcap_next_ex} ({@link PcapNext}) and
 * copies each frame into its batch of the {@link FrameQueue}. Nothing here ever sends: the handle is used only
 * for reading, filter, stats and close. {@code pcap_next_ex} blocks on an idle interface (libpcap 1.10,
 * TPACKET_V3); {@code pcap_breakloop} wakes it for shutdown. When the interface fails (goes down, is removed) the thread reopens it every
 * few seconds; {@link #failure()} says why it is not capturing meanwhile.
 */
public final class LiveCapture implements AutoCloseable {
    static final long RETRY_MILLIS = 2000;

    private final String iface;
    private final CaptureOptions options;
    private final FrameQueue.Producer queue;
    private final Thread thread;
    private final Object lock = new Object();
    private volatile Pcap.Handle handle;
    private volatile boolean stopping;
    private volatile String failure;
    private volatile long frames, reopened;
    private long droppedBase, droppedByIfBase;   // drops of handles closed earlier (counters stay monotonic)
    private volatile Stats lastStats = new Stats(0, 0);
    private int linkType;

    /** Kernel drops (ring full) and interface drops, summed over every handle this capture has had. */
    public record Stats(long kernelDrops, long interfaceDrops) {}

    private LiveCapture(String iface, CaptureOptions options, FrameQueue queue, Pcap.Handle first) {
        this.iface = iface;
        this.options = options;
        this.queue = queue.producer();
        this.handle = first;
        this.linkType = first.datalink();
        this.thread = new Thread(this::run, "capture-" + iface);
        this.thread.setDaemon(true);
    }

    /** Opens {@code iface} and starts its capture thread. */
    public static LiveCapture start(String iface, CaptureOptions o, FrameQueue queue) throws CaptureUnavailableException {
        requireCapturePrivileges();
        LiveCapture c = new LiveCapture(iface, o, queue, open(iface, o));
        c.thread.start();
        return c;
    }

    private static Pcap.Handle open(String iface, CaptureOptions o) throws CaptureUnavailableException {
        Pcap.Handle h;
        try {
            h = Pcap.Handle.openLive(iface, o.snaplen(), o.promiscuous(), 100, o.bufferBytes());
        } catch (Pcap.PcapException e) {
            if (e.status == Pcap.ERROR_NO_SUCH_DEVICE) throw new CaptureUnavailableException("no such interface: " + iface);
            throw new CaptureUnavailableException("cannot open " + iface + ": " + e.getMessage());
        }
        try {
            if (o.bpf() != null && !o.bpf().isBlank()) h.setFilter(o.bpf());
        } catch (Pcap.PcapException e) {
            h.close();
            throw new CaptureUnavailableException("bad BPF filter '" + o.bpf() + "': " + e.getMessage());
        }
        return h;
    }

    /** Refuses with one clear line when libpcap cannot be loaded or the process lacks CAP_NET_RAW. */
    public static void requireCapturePrivileges() throws CaptureUnavailableException {
        try {
            Pcap.libVersion();
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

    private void run() {
        while (!stopping) {
            Pcap.Handle h = handle;
            if (h != null) {
                loop(h);
                synchronized (lock) {
                    retire(h);
                }
            }
            if (stopping) return;
            try {
                Thread.sleep(RETRY_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            synchronized (lock) {
                if (stopping) return;
                try {
                    Pcap.Handle n = open(iface, options);
                    if (n.datalink() != linkType) linkType = n.datalink();
                    handle = n;
                    failure = null;
                    reopened++;
                } catch (CaptureUnavailableException e) {
                    failure = e.getMessage();
                }
            }
        }
    }

    private void loop(Pcap.Handle h) {
        int lt = h.datalink();
        PcapNext next = new PcapNext(h.pointer());
        FrameQueue.Source copy = next::copyTo;
        try {
            while (true) {
                int rc = next.next();
                if (rc == 1) {
                    frames++;
                    queue.add(lt, next.capturedLength(), next.wireLength(), next.timeNanos(), copy);
                } else if (rc == -2 || stopping) {
                    return;   // breakLoop(): shutdown
                } else if (rc == -1) {
                    failure = iface + ": " + h.error();
                    return;
                }                   // 0: read timeout with nothing captured
            }
        } finally {
            queue.flush();
        }
    }

    /** Folds a finished handle's drop counters into the base and closes it. Under lock. */
    private void retire(Pcap.Handle h) {
        if (handle != h) return;
        Stats s = read(h);
        droppedBase = s.kernelDrops();
        droppedByIfBase = s.interfaceDrops();
        lastStats = s;
        handle = null;
        h.close();
    }

    private Stats read(Pcap.Handle h) {
        try {
            long[] p = h.stats();
            return new Stats(droppedBase + p[0], droppedByIfBase + p[1]);
        } catch (Pcap.PcapException e) {
            return new Stats(droppedBase, droppedByIfBase);
        }
    }

    public String iface() {
        return iface;
    }

    /** Whether the capture thread is still alive (after close(): it did not stop). */
    boolean running() {
        return thread.isAlive();
    }

    public long frames() {
        return frames;
    }

    /** How often the interface was reopened after a failure. */
    public long reopened() {
        return reopened;
    }

    /**
     * Why this interface is not capturing right now, or null while it captures. A link that is down (cable of
     * the SPAN port unplugged) does not always end libpcap's loop, so the kernel's operstate is asked too.
     */
    public String failure() {
        String f = failure;
        if (f != null) return f;
        try {
            String state = Files.readString(Path.of("/sys/class/net", iface, "operstate")).trim();
            if (state.equals("down") || state.equals("lowerlayerdown") || state.equals("notpresent")) return iface + ": link is " + state;
        } catch (Exception e) {
            // no sysfs (not Linux) or the interface vanished: libpcap reports the latter
        }
        return null;
    }

    /** Drops as libpcap reports them, monotonic over reopenings; the last answer after close. */
    public Stats stats() {
        synchronized (lock) {
            Pcap.Handle h = handle;
            if (h != null && !stopping) lastStats = read(h);
            return lastStats;
        }
    }

    @Override
    public void close() {
        stats();
        synchronized (lock) {
            stopping = true;
            // under the lock: the capture thread closes a failed handle under it too, so this never touches a freed pcap_t
            if (handle != null) handle.breakLoop();
        }
        thread.interrupt();   // ends a retry sleep
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (lock) {
            if (handle != null) {
                handle.close();
                handle = null;
            }
        }
    }
}
