package io.gridscout.agent.capture;

/** How an interface is opened: BPF filter (null: everything), snap length, promiscuous, kernel buffer bytes. */
public record CaptureOptions(String bpf, int snaplen, boolean promiscuous, int bufferBytes) {
    public static final int DEFAULT_SNAPLEN = 65_535;
    /** 64 MB: with libpcap's 2 MB default a 200k-packet burst lost 39% of it. */
    public static final int DEFAULT_BUFFER = 64 << 20;

    public static CaptureOptions defaults() {
        return new CaptureOptions(null, DEFAULT_SNAPLEN, true, DEFAULT_BUFFER);
    }
}
