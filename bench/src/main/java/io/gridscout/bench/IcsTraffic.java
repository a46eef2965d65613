package io.gridscout.bench;

import io.gridscout.protocols.dnp3.Dnp3Crc;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Request/response exchanges of the industrial protocols, written from the standards: Modbus/TCP (incl. MEI
 * 0x2B/0x0E device identification), DNP3 (link CRCs, transport, application; g0 attributes, class 0 polls,
 * unsolicited events), IEC 60870-5-104, S7comm over ISO-on-TCP (SZL 0x001C), EtherNet/IP ListIdentity and
 * GOOSE. {@link #setup} opens a device's association and asks for its identity; {@link #poll} is steady state.
 */
final class IcsTraffic {
    private final Wire w;
    private final Frames f;
    private final SplittableRandom rng;
    private final OpcUaTraffic opcua;
    private final byte[] app = new byte[512];

    IcsTraffic(Wire w, SplittableRandom rng) {
        this.w = w;
        this.f = w.f;
        this.rng = rng;
        this.opcua = new OpcUaTraffic(w);
    }

    static int port(Device.Kind k) {
        return switch (k) {
            case MODBUS -> 502;
            case DNP3 -> 20000;
            case OPCUA -> 4840;
            case IEC104 -> 2404;
            case S7 -> 102;
            case ENIP -> 44818;
            case GOOSE -> 0;
        };
    }

    /** Association and identity exchange; returns true when it was written completely. */
    boolean setup(Device d) {
        d.setUp = true;
        if (d.kind != Device.Kind.GOOSE && d.kind != Device.Kind.ENIP) {
            d.tcp = new Wire.Tcp(d.master, 40000 + (d.index % 20000), d.ip, port(d.kind), rng);
            w.handshake(d.tcp);
        }
        switch (d.kind) {
            case MODBUS -> modbusMei(d);
            case DNP3 -> dnp3Attributes(d);
            case OPCUA -> opcua.session(d);
            case IEC104 -> iec104Start(d);
            case S7 -> s7Identify(d);
            case ENIP -> enipListIdentity(d);
            case GOOSE -> goose(d, true);
        }
        return !w.full();
    }

    void poll(Device d) {
        switch (d.kind) {
            case MODBUS -> modbusPoll(d);
            case DNP3 -> dnp3Poll(d);
            case OPCUA -> opcua.read(d);
            case IEC104 -> iec104Poll(d);
            case S7 -> s7Read(d);
            case ENIP -> enipListIdentity(d);
            case GOOSE -> goose(d, rng.nextInt(50) == 0);
        }
    }

    // ------------------------------------------------------------------ Modbus/TCP

    private int mbap(Device d, int pduLen) {
        int o = Frames.PAYLOAD_TCP;
        f.be16(o, d.counter & 0xFFFF);
        f.be16(o + 2, 0);
        f.be16(o + 4, pduLen + 1);
        f.buf[o + 6] = 1;
        return o + 7;
    }

    private void modbusMei(Device d) {
        d.counter++;
        int p = mbap(d, 4);
        f.buf[p] = 0x2B; f.buf[p + 1] = 0x0E; f.buf[p + 2] = 1; f.buf[p + 3] = 0;
        w.data(d.tcp, true, 11);
        byte[][] objs = {ascii(d.identity.get("vendor")), ascii(d.identity.get("productCode")), ascii(d.identity.get("firmware"))};
        int len = 7;
        for (byte[] o : objs) len += 2 + o.length;
        p = mbap(d, len);
        f.buf[p] = 0x2B; f.buf[p + 1] = 0x0E; f.buf[p + 2] = 1; f.buf[p + 3] = 1; f.buf[p + 4] = 0; f.buf[p + 5] = 0; f.buf[p + 6] = 3;
        int q = p + 7;
        for (int i = 0; i < 3; i++) {
            f.buf[q] = (byte) i;
            f.buf[q + 1] = (byte) objs[i].length;
            q = f.put(q + 2, objs[i]);
        }
        w.data(d.tcp, false, q - Frames.PAYLOAD_TCP);
    }

    private void modbusPoll(Device d) {
        d.counter++;
        boolean write = (d.counter & 15) == 0;
        int qty = 8 + (d.index % 5) * 4, addr = 100 * (d.index % 7);
        if (write) {
            int p = mbap(d, 6 + 2 * 2);
            f.buf[p] = 0x10; f.be16(p + 1, addr); f.be16(p + 3, 2); f.buf[p + 5] = 4; f.be16(p + 6, d.counter); f.be16(p + 8, 1);
            w.data(d.tcp, true, p + 10 - Frames.PAYLOAD_TCP);
            p = mbap(d, 5);
            f.buf[p] = 0x10; f.be16(p + 1, addr); f.be16(p + 3, 2);
            w.data(d.tcp, false, p + 5 - Frames.PAYLOAD_TCP);
        } else {
            int p = mbap(d, 5);
            f.buf[p] = 0x03; f.be16(p + 1, addr); f.be16(p + 3, qty);
            w.data(d.tcp, true, 12);
            p = mbap(d, 2 + 2 * qty);
            f.buf[p] = 0x03; f.buf[p + 1] = (byte) (2 * qty);
            for (int i = 0; i < qty; i++) f.be16(p + 2 + 2 * i, rng.nextInt(65536));
            w.data(d.tcp, false, p + 2 + 2 * qty - Frames.PAYLOAD_TCP);
        }
        if ((d.counter & 7) == 0) w.ack(d.tcp, true);
    }

    // ------------------------------------------------------------------ DNP3

    /** Link frame(s) for one application fragment of {@code len} bytes in {@link #app}, at PAYLOAD_TCP. */
    private int dnp3Frame(Device d, boolean fromMaster, int len) {
        int dst = fromMaster ? d.dnpAddr : 1, src = fromMaster ? 1 : d.dnpAddr;
        int user = len + 1;                                    // transport header + application bytes
        byte[] b = f.buf;
        int o = Frames.PAYLOAD_TCP;
        b[o] = 0x05; b[o + 1] = 0x64; b[o + 2] = (byte) (5 + user); b[o + 3] = (byte) (fromMaster ? 0xC4 : 0x44);
        f.le16(o + 4, dst);
        f.le16(o + 6, src);
        crc(o, 8);
        int q = o + 10;
        int ts = 0xC0 | (d.seq2++ & 0x3F);
        // user data in blocks of 16, each followed by its CRC
        int written = 0;
        while (written < user) {
            int n = Math.min(16, user - written);
            int start = q;
            for (int i = 0; i < n; i++) {
                int k = written + i;
                b[q++] = k == 0 ? (byte) ts : app[k - 1];
            }
            crc(start, n);
            q += 2;
            written += n;
        }
        return q - o;
    }

    private void crc(int off, int len) {
        int c = Dnp3Crc.compute(f.buf, off, len);
        f.buf[off + len] = (byte) c;
        f.buf[off + len + 1] = (byte) (c >>> 8);
    }

    private void dnp3Attributes(Device d) {
        int seq = d.seq++ & 0x0F;
        app[0] = (byte) (0xC0 | seq); app[1] = 0x01; app[2] = 0x00; app[3] = (byte) 0xFE; app[4] = 0x06;
        w.data(d.tcp, true, dnp3Frame(d, true, 5));
        int p = 0;
        app[p++] = (byte) (0xC0 | seq); app[p++] = (byte) 0x81; app[p++] = 0; app[p++] = 0;
        int[] vars = {252, 250, 242, 248};
        String[] names = {"vendor", "model", "firmware", "serial"};
        for (int i = 0; i < vars.length; i++) {
            byte[] v = ascii(d.identity.get(names[i]));
            app[p++] = 0x00; app[p++] = (byte) vars[i]; app[p++] = 0x00; app[p++] = 0; app[p++] = 0;
            app[p++] = 0x01; app[p++] = (byte) v.length;
            System.arraycopy(v, 0, app, p, v.length);
            p += v.length;
        }
        w.data(d.tcp, false, dnp3Frame(d, false, p));
    }

    private void dnp3Poll(Device d) {
        d.counter++;
        if ((d.counter & 3) == 0) {               // unsolicited analog event, confirmed by the master
            int seq = 0x10 | (d.seq++ & 0x0F);
            int p = 0;
            app[p++] = (byte) (0xF0 | (seq & 0x0F)); app[p++] = (byte) 0x82; app[p++] = 0; app[p++] = 0;
            app[p++] = 32; app[p++] = 1; app[p++] = 0x28; app[p++] = 1; app[p++] = 0;
            app[p++] = (byte) (d.counter % 10); app[p++] = 0; app[p++] = 1;
            int v = rng.nextInt(100_000);
            app[p++] = (byte) v; app[p++] = (byte) (v >> 8); app[p++] = (byte) (v >> 16); app[p++] = (byte) (v >> 24);
            w.data(d.tcp, false, dnp3Frame(d, false, p));
            app[0] = (byte) (0xD0 | (seq & 0x0F)); app[1] = 0x00;
            w.data(d.tcp, true, dnp3Frame(d, true, 2));
            return;
        }
        int seq = d.seq++ & 0x0F;
        app[0] = (byte) (0xC0 | seq); app[1] = 0x01; app[2] = 0x3C; app[3] = 0x01; app[4] = 0x06;
        w.data(d.tcp, true, dnp3Frame(d, true, 5));
        int n = 4 + d.index % 12, p = 0;
        app[p++] = (byte) (0xC0 | seq); app[p++] = (byte) 0x81; app[p++] = 0; app[p++] = 0;
        app[p++] = 30; app[p++] = 1; app[p++] = 0x00; app[p++] = 0; app[p++] = (byte) (n - 1);
        for (int i = 0; i < n; i++) {
            int v = rng.nextInt(100_000);
            app[p++] = 1;
            app[p++] = (byte) v; app[p++] = (byte) (v >> 8); app[p++] = (byte) (v >> 16); app[p++] = (byte) (v >> 24);
        }
        w.data(d.tcp, false, dnp3Frame(d, false, p));
    }

    // ------------------------------------------------------------------ IEC 60870-5-104

    private void apciU(Device d, boolean fromClient, int ctrl) {
        int o = Frames.PAYLOAD_TCP;
        f.buf[o] = 0x68; f.buf[o + 1] = 4; f.buf[o + 2] = (byte) ctrl; f.buf[o + 3] = 0; f.buf[o + 4] = 0; f.buf[o + 5] = 0;
        w.data(d.tcp, fromClient, 6);
    }

    private void apciS(Device d, boolean fromClient, int recv) {
        int o = Frames.PAYLOAD_TCP;
        f.buf[o] = 0x68; f.buf[o + 1] = 4; f.buf[o + 2] = 1; f.buf[o + 3] = 0; f.le16(o + 4, (recv << 1) & 0xFFFF);
        w.data(d.tcp, fromClient, 6);
    }

    /** I-frame header + ASDU header (type, vsq, cot, originator 0, common address); returns the IOA offset. */
    private int asdu(Device d, boolean fromClient, int type, int vsq, int cot) {
        int o = Frames.PAYLOAD_TCP;
        int send = fromClient ? d.seq : d.seq2, recv = fromClient ? d.seq2 : d.seq;
        f.buf[o] = 0x68;
        f.le16(o + 2, (send << 1) & 0xFFFF);
        f.le16(o + 4, (recv << 1) & 0xFFFF);
        if (fromClient) d.seq = (d.seq + 1) & 0x7FFF; else d.seq2 = (d.seq2 + 1) & 0x7FFF;
        f.buf[o + 6] = (byte) type; f.buf[o + 7] = (byte) vsq; f.buf[o + 8] = (byte) cot; f.buf[o + 9] = 0;
        f.le16(o + 10, d.dnpAddr);
        return o + 12;
    }

    private void iFrame(Device d, boolean fromClient, int end) {
        int o = Frames.PAYLOAD_TCP;
        f.buf[o + 1] = (byte) (end - o - 2);
        w.data(d.tcp, fromClient, end - o);
    }

    private void iec104Start(Device d) {
        apciU(d, true, 0x07);
        apciU(d, false, 0x0B);
        int p = asdu(d, true, 100, 1, 6);
        p = ioa(p, 0);
        f.buf[p++] = 20;
        iFrame(d, true, p);
        p = asdu(d, false, 100, 1, 7);
        p = ioa(p, 0);
        f.buf[p++] = 20;
        iFrame(d, false, p);
        measurands(d, 20, 8);
        p = asdu(d, false, 100, 1, 10);
        p = ioa(p, 0);
        f.buf[p++] = 20;
        iFrame(d, false, p);
        apciS(d, true, d.seq2);
    }

    private int ioa(int p, int v) {
        f.buf[p] = (byte) v; f.buf[p + 1] = (byte) (v >> 8); f.buf[p + 2] = (byte) (v >> 16);
        return p + 3;
    }

    /** M_ME_NC_1 (short float with quality), {@code n} objects with their own IOAs. */
    private void measurands(Device d, int cot, int n) {
        int p = asdu(d, false, 13, n, cot);
        for (int i = 0; i < n; i++) {
            p = ioa(p, 1000 + i);
            int bits = Float.floatToIntBits(rng.nextInt(10_000) / 10f);
            f.le32(p, bits);
            f.buf[p + 4] = 0;
            p += 5;
        }
        iFrame(d, false, p);
    }

    private void iec104Poll(Device d) {
        d.counter++;
        if ((d.counter & 31) == 0) {
            apciU(d, true, 0x43);
            apciU(d, false, (byte) 0x83);
            return;
        }
        measurands(d, 3, 1 + d.counter % 3);
        if ((d.counter & 3) == 0) apciS(d, true, d.seq2);
    }

    // ------------------------------------------------------------------ S7comm (ISO-on-TCP)

    /** TPKT + COTP DT header around an S7 PDU of {@code s7len} bytes starting at PAYLOAD_TCP + 7. */
    private void s7Send(Device d, boolean fromClient, int s7len) {
        int o = Frames.PAYLOAD_TCP;
        f.buf[o] = 3; f.buf[o + 1] = 0; f.be16(o + 2, 7 + s7len);
        f.buf[o + 4] = 2; f.buf[o + 5] = (byte) 0xF0; f.buf[o + 6] = (byte) 0x80;
        w.data(d.tcp, fromClient, 7 + s7len);
    }

    private int s7Header(int rosctr, int pduRef, int paramLen, int dataLen) {
        int o = Frames.PAYLOAD_TCP + 7;
        f.buf[o] = 0x32; f.buf[o + 1] = (byte) rosctr; f.be16(o + 2, 0); f.be16(o + 4, pduRef);
        f.be16(o + 6, paramLen); f.be16(o + 8, dataLen);
        if (rosctr == 2 || rosctr == 3) { f.buf[o + 10] = 0; f.buf[o + 11] = 0; return o + 12; }
        return o + 10;
    }

    private void s7Identify(Device d) {
        int o = Frames.PAYLOAD_TCP;
        byte[] cr = {3, 0, 0, 22, 17, (byte) 0xE0, 0, 0, 0, 1, 0, (byte) 0xC0, 1, 10, (byte) 0xC1, 2, 1, 0, (byte) 0xC2, 2, 1, 2};
        f.put(o, cr);
        w.data(d.tcp, true, cr.length);
        cr[5] = (byte) 0xD0; cr[6] = 0; cr[7] = 1; cr[8] = 0; cr[9] = 1;
        f.put(o, cr);
        w.data(d.tcp, false, cr.length);
        // setup communication job and ack-data
        int p = s7Header(1, ++d.counter, 8, 0);
        byte[] setup = {(byte) 0xF0, 0, 0, 1, 0, 1, 3, (byte) 0xC0};
        p = f.put(p, setup);
        s7Send(d, true, p - o - 7);
        p = s7Header(3, d.counter, 8, 0);
        setup[7] = (byte) 0xF0; setup[6] = 0;
        p = f.put(p, setup);
        s7Send(d, false, p - o - 7);
        // userdata: read SZL 0x001C (component identification)
        p = s7Header(7, ++d.counter, 8, 8);
        byte[] req = {0, 1, 0x12, 4, 0x11, 0x44, 1, 0, (byte) 0xFF, 9, 0, 4, 0, 0x1C, 0, 0};
        p = f.put(p, req);
        s7Send(d, true, p - o - 7);
        byte[] name = pad(d.identity.get("name"), 32), serial = pad(d.identity.get("serial"), 32);
        int records = 2, recLen = 34, dataLen = 4 + 8 + records * recLen;
        p = s7Header(7, d.counter, 12, dataLen);
        byte[] par = {0, 1, 0x12, 8, 0x12, (byte) 0x84, 1, 1, 0, 0, 0, 0};
        p = f.put(p, par);
        f.buf[p] = (byte) 0xFF; f.buf[p + 1] = 9; f.be16(p + 2, 8 + records * recLen);
        f.be16(p + 4, 0x001C); f.be16(p + 6, 0); f.be16(p + 8, recLen); f.be16(p + 10, records);
        p += 12;
        f.be16(p, 1); p = f.put(p + 2, name);
        f.be16(p, 5); p = f.put(p + 2, serial);
        s7Send(d, false, p - o - 7);
    }

    private void s7Read(Device d) {
        int o = Frames.PAYLOAD_TCP;
        int p = s7Header(1, ++d.counter & 0xFFFF, 14, 0);
        byte[] item = {4, 1, 0x12, 10, 0x10, 2, 0, 8, 0, 1, (byte) 0x84, 0, 0, 0};
        p = f.put(p, item);
        s7Send(d, true, p - o - 7);
        p = s7Header(3, d.counter & 0xFFFF, 2, 12);
        f.buf[p] = 4; f.buf[p + 1] = 1; p += 2;
        f.buf[p] = (byte) 0xFF; f.buf[p + 1] = 4; f.be16(p + 2, 64); p += 4;
        for (int i = 0; i < 8; i++) f.buf[p++] = (byte) rng.nextInt(256);
        s7Send(d, false, p - o - 7);
    }

    // ------------------------------------------------------------------ EtherNet/IP ListIdentity (UDP)

    private void enipListIdentity(Device d) {
        int o = Frames.PAYLOAD_UDP;
        for (int i = 0; i < 24; i++) f.buf[o + i] = 0;
        f.le16(o, 0x63);
        f.le32(o + 12, d.counter++);
        w.udp(d.master, 2222 + (d.index & 0xFF), d.ip, 44818, 24);
        byte[] name = ascii(d.identity.get("model"));
        int itemLen = 2 + 16 + 15 + name.length;
        f.le16(o + 2, 2 + 4 + itemLen);
        int p = o + 24;
        f.le16(p, 1); f.le16(p + 2, 0x0C); f.le16(p + 4, itemLen);
        p += 6;
        f.le16(p, 1);                                  // encapsulation protocol version
        f.be16(p + 2, 2); f.be16(p + 4, 44818); f.be32(p + 6, d.ip); f.be32(p + 10, 0); f.be32(p + 14, 0);
        p += 18;
        f.le16(p, Integer.parseInt(d.identity.get("vendorId")));
        f.le16(p + 2, 12);
        f.le16(p + 4, Integer.parseInt(d.identity.get("productCode")));
        String[] fw = d.identity.get("firmware").split("\\.");
        f.buf[p + 6] = (byte) Integer.parseInt(fw[0]); f.buf[p + 7] = (byte) Integer.parseInt(fw[1]);
        f.le16(p + 8, 0x0030);
        f.le32(p + 10, (int) Long.parseLong(d.identity.get("serial").substring(2), 16));
        f.buf[p + 14] = (byte) name.length;
        p = f.put(p + 15, name);
        f.buf[p++] = 3;
        w.udp(d.ip, 44818, d.master, 2222 + (d.index & 0xFF), p - o);
    }

    // ------------------------------------------------------------------ GOOSE

    private void goose(Device d, boolean event) {
        int bursts = 1;
        if (event) {
            d.seq++;          // stNum
            d.seq2 = 0;       // sqNum
            bursts = 4;
        }
        for (int i = 0; i < bursts; i++) gooseFrame(d);
    }

    private void gooseFrame(Device d) {
        String ied = d.identity.get("name");
        byte[] gocb = ascii(ied + "LD0/LLN0$GO$gcb01"), dat = ascii(ied + "LD0/LLN0$DataSet1"), goId = ascii(ied + "_GOOSE1");
        long dst = 0x010CCD010000L | (d.index & 0x1FF);
        int o = f.ethernet(dst, d.mac, 0x8100);
        f.be16(o, 0x8000 | 10);            // priority 4, VLAN 10
        f.be16(o + 2, 0x88B8);
        int hdr = o + 4;
        f.be16(hdr, 0x0100 | (d.index & 0xFF));
        f.be16(hdr + 4, 0); f.be16(hdr + 6, 0);
        int p = hdr + 8;
        int pduStart = p;
        p += 3;                                 // 0x61 0x81 len, filled below
        p = tlv(p, 0x80, gocb);
        p = tlvInt(p, 0x81, 2000);
        p = tlv(p, 0x82, dat);
        p = tlv(p, 0x83, goId);
        f.buf[p] = (byte) 0x84; f.buf[p + 1] = 8;
        long secs = w.time / 1_000_000_000L;
        f.be32(p + 2, (int) secs); f.be32(p + 6, 0x0000000A);
        p += 10;
        p = tlvInt(p, 0x85, d.seq);
        p = tlvInt(p, 0x86, d.seq2++);
        f.buf[p] = (byte) 0x87; f.buf[p + 1] = 1; f.buf[p + 2] = 0; p += 3;
        p = tlvInt(p, 0x88, 1);
        f.buf[p] = (byte) 0x89; f.buf[p + 1] = 1; f.buf[p + 2] = 0; p += 3;
        p = tlvInt(p, 0x8A, 4);
        f.buf[p] = (byte) 0xAB; f.buf[p + 1] = 12; p += 2;
        for (int i = 0; i < 4; i++) { f.buf[p] = (byte) 0x83; f.buf[p + 1] = 1; f.buf[p + 2] = (byte) ((d.seq >> i) & 1); p += 3; }
        int pduLen = p - pduStart - 3;
        f.buf[pduStart] = 0x61; f.buf[pduStart + 1] = (byte) 0x81; f.buf[pduStart + 2] = (byte) pduLen;
        f.be16(hdr + 2, p - hdr);
        w.emit(p);
    }

    private int tlv(int p, int tag, byte[] v) {
        f.buf[p] = (byte) tag; f.buf[p + 1] = (byte) v.length;
        return f.put(p + 2, v);
    }

    private int tlvInt(int p, int tag, int v) {
        if (v < 0x80) { f.buf[p] = (byte) tag; f.buf[p + 1] = 1; f.buf[p + 2] = (byte) v; return p + 3; }
        if (v < 0x8000) { f.buf[p] = (byte) tag; f.buf[p + 1] = 2; f.be16(p + 2, v); return p + 4; }
        f.buf[p] = (byte) tag; f.buf[p + 1] = 5; f.buf[p + 2] = 0; f.be32(p + 3, v);
        return p + 7;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] pad(String s, int n) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) ' ');
        byte[] v = ascii(s);
        System.arraycopy(v, 0, b, 0, Math.min(n, v.length));
        return b;
    }
}
