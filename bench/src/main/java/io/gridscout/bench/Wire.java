package io.gridscout.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.SplittableRandom;

/** The capture being written: a clock, a packet budget and helpers that emit TCP/UDP/Ethernet frames. */
final class Wire {
    final Frames f = new Frames();
    private final PcapOut out;
    private final long budget;
    private final SplittableRandom rng;
    long time;

    Wire(PcapOut out, long packets, long startNanos, SplittableRandom rng) {
        this.out = out;
        this.budget = packets;
        this.time = startNanos;
        this.rng = rng;
    }

    boolean full() {
        return out.packets() >= budget;
    }

    long written() {
        return out.packets();
    }

    /** Writes the frame of {@code len} bytes in the buffer (silently dropped once the budget is spent). */
    void emit(int len) {
        if (full()) return;
        time += 5_000 + rng.nextInt(30_000);          // 5-35 µs between packets: a busy substation LAN
        try {
            out.write(time, f.buf, len);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A TCP connection's sequence state (client side 0, server side 1). */
    static final class Tcp {
        final int cip, cport, sip, sport;
        long cseq, sseq;
        boolean open;

        Tcp(int cip, int cport, int sip, int sport, SplittableRandom rng) {
            this.cip = cip;
            this.cport = cport;
            this.sip = sip;
            this.sport = sport;
            cseq = rng.nextInt() & 0xFFFF_FFFFL;
            sseq = rng.nextInt() & 0xFFFF_FFFFL;
        }
    }

    void handshake(Tcp c) {
        emit(f.tcp(c.cip, c.cport, c.sip, c.sport, c.cseq, 0, Frames.SYN, 0));
        c.cseq++;
        emit(f.tcp(c.sip, c.sport, c.cip, c.cport, c.sseq, c.cseq, Frames.SYN | Frames.ACK, 0));
        c.sseq++;
        emit(f.tcp(c.cip, c.cport, c.sip, c.sport, c.cseq, c.sseq, Frames.ACK, 0));
        c.open = true;
    }

    /** Payload of {@code len} bytes already at Frames.PAYLOAD_TCP, sent by the client or the server. */
    void data(Tcp c, boolean fromClient, int len) {
        if (fromClient) {
            emit(f.tcp(c.cip, c.cport, c.sip, c.sport, c.cseq, c.sseq, Frames.PSH | Frames.ACK, len));
            c.cseq += len;
        } else {
            emit(f.tcp(c.sip, c.sport, c.cip, c.cport, c.sseq, c.cseq, Frames.PSH | Frames.ACK, len));
            c.sseq += len;
        }
    }

    /** A bare ACK from one side. */
    void ack(Tcp c, boolean fromClient) {
        if (fromClient) emit(f.tcp(c.cip, c.cport, c.sip, c.sport, c.cseq, c.sseq, Frames.ACK, 0));
        else emit(f.tcp(c.sip, c.sport, c.cip, c.cport, c.sseq, c.cseq, Frames.ACK, 0));
    }

    void close(Tcp c) {
        emit(f.tcp(c.cip, c.cport, c.sip, c.sport, c.cseq, c.sseq, Frames.FIN | Frames.ACK, 0));
        c.cseq++;
        emit(f.tcp(c.sip, c.sport, c.cip, c.cport, c.sseq, c.cseq, Frames.FIN | Frames.ACK, 0));
        c.sseq++;
        emit(f.tcp(c.cip, c.cport, c.sip, c.sport, c.cseq, c.sseq, Frames.ACK, 0));
        c.open = false;
    }

    void udp(int src, int sport, int dst, int dport, int len) {
        emit(f.udp(src, sport, dst, dport, len));
    }
}
