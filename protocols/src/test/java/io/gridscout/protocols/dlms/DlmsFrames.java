package io.gridscout.protocols.dlms;

import io.gridscout.protocols.testutil.L2Frames;

import java.nio.charset.StandardCharsets;

/** DLMS/COSEM APDUs and their framings built byte by byte from IEC 62056-5-3, -46 and -47 (Green Book). */
final class DlmsFrames {
    private DlmsFrames() {}

    static final String PASSWORD = "Secr3tPw";

    static byte[] tlv(int tag, byte[]... parts) {
        L2Frames.Bytes v = L2Frames.bytes();
        for (byte[] p : parts) v.raw(p);
        return L2Frames.bytes().b(tag, v.size()).raw(v.bytes()).bytes();
    }

    static byte[] b(int... v) {
        return L2Frames.bytes().b(v).bytes();
    }

    static byte[] oid(int kind, int x) {
        return b(0x60, 0x85, 0x74, 0x05, 0x08, kind, x);
    }

    /** AARQ: application context (1 LN, 3 LN with ciphering), mechanism (-1 none), password/challenge, initiate. */
    static byte[] aarq(int context, int mechanism, byte[] userInfo) {
        byte[] ctx = tlv(0xA1, tlv(0x06, oid(1, context)));
        if (mechanism < 0) return tlv(0x60, ctx, tlv(0xBE, tlv(0x04, userInfo)));
        return tlv(0x60, ctx, b(0x8A, 0x02, 0x07, 0x80), tlv(0x8B, oid(2, mechanism)),
                tlv(0xAC, tlv(0x80, PASSWORD.getBytes(StandardCharsets.US_ASCII))), tlv(0xBE, tlv(0x04, userInfo)));
    }

    /** xDLMS InitiateRequest: no dedicated key, no response-allowed default, no QoS, version 6, conformance, max PDU. */
    static final byte[] INITIATE_REQUEST = b(0x01, 0x00, 0x00, 0x00, 0x06, 0x5F, 0x1F, 0x04, 0x00, 0x00, 0x7E, 0x1F, 0x04, 0xB0);
    static final byte[] INITIATE_RESPONSE = b(0x08, 0x00, 0x06, 0x5F, 0x1F, 0x04, 0x00, 0x00, 0x10, 0x14, 0x04, 0x00, 0x00, 0x07);
    /** glo-initiateRequest: security control 0x30, invocation counter, then ciphertext and tag (opaque here). */
    static final byte[] GLO_INITIATE_REQUEST = b(0x21, 0x0A, 0x30, 0x00, 0x00, 0x00, 0x01, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE);

    static byte[] aare(int context, int mechanism, boolean accepted, byte[] systemTitle, byte[] userInfo) {
        byte[] ctx = tlv(0xA1, tlv(0x06, oid(1, context)));
        byte[] result = tlv(0xA2, b(0x02, 0x01, accepted ? 0 : 1));
        byte[] diag = tlv(0xA3, tlv(0xA1, b(0x02, 0x01, 0x00)));
        byte[] title = systemTitle == null ? new byte[0] : tlv(0xA4, tlv(0x04, systemTitle));
        byte[] mech = mechanism < 0 ? new byte[0] : L2Frames.bytes().raw(b(0x88, 0x02, 0x07, 0x80)).raw(tlv(0x89, oid(2, mechanism)))
                .raw(tlv(0xAA, tlv(0x80, "S2Cchallenge".getBytes(StandardCharsets.US_ASCII)))).bytes();
        return tlv(0x61, ctx, result, diag, title, mech, tlv(0xBE, tlv(0x04, userInfo)));
    }

    /** Cosem-Attribute-Descriptor: class-id, OBIS, attribute-id. */
    static byte[] attr(int classId, int a, int bb, int c, int d, int e, int f, int attribute) {
        return b(classId >> 8, classId, a, bb, c, d, e, f, attribute);
    }

    static byte[] getNormal(int invokeId, byte[] descriptor) {
        return L2Frames.bytes().b(0xC0, 0x01, invokeId).raw(descriptor).b(0x00).bytes();
    }

    static byte[] getWithList(int invokeId, byte[]... descriptors) {
        L2Frames.Bytes o = L2Frames.bytes().b(0xC0, 0x03, invokeId, descriptors.length);
        for (byte[] d : descriptors) o.raw(d).b(0x00);
        return o.bytes();
    }

    static byte[] octets(String s) {
        byte[] v = s.getBytes(StandardCharsets.US_ASCII);
        return L2Frames.bytes().b(0x09, v.length).raw(v).bytes();
    }

    static byte[] visible(String s) {
        byte[] v = s.getBytes(StandardCharsets.US_ASCII);
        return L2Frames.bytes().b(0x0A, v.length).raw(v).bytes();
    }

    /** get-response-normal with data. */
    static byte[] getResponse(int invokeId, byte[] data) {
        return L2Frames.bytes().b(0xC4, 0x01, invokeId, 0x00).raw(data).bytes();
    }

    /** get-response-with-list: each result is 00 data or 01 access-result. */
    static byte[] getResponseList(int invokeId, byte[]... results) {
        L2Frames.Bytes o = L2Frames.bytes().b(0xC4, 0x03, invokeId, results.length);
        for (byte[] r : results) o.raw(r);
        return o.bytes();
    }

    static byte[] wrap(int srcWport, int dstWport, byte[] apdu) {
        return L2Frames.bytes().u16(1).u16(srcWport).u16(dstWport).u16(apdu.length).raw(apdu).bytes();
    }

    static byte[] toMeter(byte[] apdu) {
        return wrap(0x10, 0x01, apdu);
    }

    static byte[] fromMeter(byte[] apdu) {
        return wrap(0x01, 0x10, apdu);
    }

    /** HDLC type A frame: flag, format (segmented bit), dest, src, control, [HCS, info], FCS, flag. */
    static byte[] hdlc(boolean segmented, int dest, int src, int control, byte[] info) {
        int len = 2 + 1 + 1 + 1 + (info.length > 0 ? 2 + info.length : 0) + 2;
        byte[] f = new byte[len + 2];
        f[0] = 0x7E;
        f[1] = (byte) (0xA0 | (segmented ? 0x08 : 0) | (len >> 8));
        f[2] = (byte) len;
        f[3] = (byte) dest;
        f[4] = (byte) src;
        f[5] = (byte) control;
        int q = 6;
        if (info.length > 0) {
            int hcs = Hdlc.crc(f, 1, 5);
            f[q++] = (byte) hcs;
            f[q++] = (byte) (hcs >> 8);
            System.arraycopy(info, 0, f, q, info.length);
            q += info.length;
        }
        int fcs = Hdlc.crc(f, 1, q - 1);
        f[q++] = (byte) fcs;
        f[q++] = (byte) (fcs >> 8);
        f[q] = 0x7E;
        return f;
    }

    static final byte[] LLC_REQUEST = b(0xE6, 0xE6, 0x00);
    static final byte[] LLC_RESPONSE = b(0xE6, 0xE7, 0x00);
}
