package io.gridscout.bench;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/** Background IT traffic of a site's workstation: DNS lookups, short HTTP fetches, an SMB2 session. */
final class ItTraffic {
    static final int DNS = ip(10, 255, 0, 53), HTTP = ip(10, 255, 0, 80), SMB = ip(10, 255, 0, 45);
    private final Wire w;
    private final Frames f;
    private final SplittableRandom rng;
    private long messageId;

    ItTraffic(Wire w, SplittableRandom rng) {
        this.w = w;
        this.f = w.f;
        this.rng = rng;
    }

    static int ip(int a, int b, int c, int d) {
        return (a << 24) | (b << 16) | (c << 8) | d;
    }

    void step(Site s) {
        int r = rng.nextInt(10);
        if (r < 5) dns(s);
        else if (r < 7) http(s);
        else smb(s);
    }

    private void dns(Site s) {
        int id = rng.nextInt(65536), sport = 1024 + rng.nextInt(64_000);
        byte[] name = ("host" + rng.nextInt(500) + ".corp.example").getBytes(StandardCharsets.US_ASCII);
        int o = Frames.PAYLOAD_UDP;
        f.be16(o, id); f.be16(o + 2, 0x0100); f.be16(o + 4, 1); f.be16(o + 6, 0); f.be16(o + 8, 0); f.be16(o + 10, 0);
        int p = qname(o + 12, name);
        f.be16(p, 1); f.be16(p + 2, 1);
        p += 4;
        int qlen = p - o;
        w.udp(s.workstation, sport, DNS, 53, qlen);
        f.be16(o + 2, 0x8180); f.be16(o + 6, 1);
        f.be16(p, 0xC00C); f.be16(p + 2, 1); f.be16(p + 4, 1); f.be32(p + 6, 300); f.be16(p + 10, 4);
        f.be32(p + 12, ip(10, 20, rng.nextInt(256), 1 + rng.nextInt(250)));
        w.udp(DNS, 53, s.workstation, sport, p + 16 - o);
    }

    private int qname(int p, byte[] name) {
        int start = 0;
        for (int i = 0; i <= name.length; i++) {
            if (i == name.length || name[i] == '.') {
                f.buf[p++] = (byte) (i - start);
                for (int k = start; k < i; k++) f.buf[p++] = name[k];
                start = i + 1;
            }
        }
        f.buf[p++] = 0;
        return p;
    }

    private void http(Site s) {
        Wire.Tcp c = new Wire.Tcp(s.workstation, 49152 + rng.nextInt(16_000), HTTP, 80, rng);
        w.handshake(c);
        byte[] req = ("GET /reports/" + rng.nextInt(1000) + ".html HTTP/1.1\r\nHost: intranet.corp.example\r\nUser-Agent: Mozilla/5.0\r\nAccept: */*\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        f.put(Frames.PAYLOAD_TCP, req);
        w.data(c, true, req.length);
        int body = 200 + rng.nextInt(1195);   // head (66 bytes) + body fit one 1460-byte segment: a 1500 MTU frame
        byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: " + body + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        int p = f.put(Frames.PAYLOAD_TCP, head);
        for (int i = 0; i < body; i++) f.buf[p + i] = (byte) ('a' + (i % 26));
        w.data(c, false, head.length + body);
        w.ack(c, true);
        w.close(c);
    }

    private void smb(Site s) {
        if (s.smb == null) {
            s.smb = new Wire.Tcp(s.workstation, 50000 + (s.index % 10000), SMB, 445, rng);
            w.handshake(s.smb);
        }
        smb2Echo(s.smb, true);
        smb2Echo(s.smb, false);
    }

    /** NetBIOS session header + SMB2 ECHO request/response (64-byte header, 4-byte body). */
    private void smb2Echo(Wire.Tcp c, boolean request) {
        int o = Frames.PAYLOAD_TCP;
        f.be32(o, 68);
        int h = o + 4;
        for (int i = 0; i < 64 + 4; i++) f.buf[h + i] = 0;
        f.buf[h] = (byte) 0xFE; f.buf[h + 1] = 'S'; f.buf[h + 2] = 'M'; f.buf[h + 3] = 'B';
        f.le16(h + 4, 64);
        f.le16(h + 12, 0x000D);
        f.le16(h + 14, 1);
        f.le32(h + 16, request ? 0 : 1);
        if (request) messageId++;
        f.le32(h + 24, (int) messageId);
        f.le16(h + 64, 4);
        w.data(c, request, 72);
    }
}
