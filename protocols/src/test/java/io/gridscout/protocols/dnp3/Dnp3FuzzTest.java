package io.gridscout.protocols.dnp3;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gridscout.protocols.fact.Endpoint;
import io.gridscout.protocols.fact.IpAddr;
import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.RecordingSession;

/** Hostile bytes into each layer: nothing may throw (the decoder's last-resort guard must not be needed). */
class Dnp3FuzzTest {

    /** A session whose malformed() fails the test if the decoder's RuntimeException guard fired. */
    static RecordingSession session(Transport t) {
        return new RecordingSession("dnp3", t, new Endpoint(1, IpAddr.parse("10.0.0.1"), 40000),
                new Endpoint(2, IpAddr.parse("10.0.0.2"), 20000)) {
            @Override
            public void malformed(int side, String reason) {
                if (reason.equals("dnp3 decoder error")) throw new AssertionError("decoder threw");
                super.malformed(side, reason);
            }
        };
    }

    /** Link layer (and everything above it): the data as a TCP stream in chunks, and as UDP datagrams. */
    @FuzzTest(maxDuration = "10s")
    void fuzzLink(byte[] data) {
        new Dnp3Spec().matches(data, 0, data.length, false, Transport.TCP);
        RecordingSession tcp = session(Transport.TCP);
        Dnp3Decoder d = new Dnp3Decoder(tcp);
        int chunk = data.length == 0 ? 1 : 1 + (data[0] & 0x3F);
        for (int i = 0; i < data.length; i += chunk) d.onData((i / chunk) & 1, data, i, Math.min(chunk, data.length - i), i);
        d.onGap(0, 0);
        d.onClose(0);
        Dnp3Decoder u = new Dnp3Decoder(session(Transport.UDP));
        for (int i = 0; i < data.length; i += chunk) u.onData(0, data, i, Math.min(chunk, data.length - i), i);
    }

    /** Link frames with valid CRCs around fuzzed user data, so the transport and application layers are reached. */
    @FuzzTest(maxDuration = "10s")
    void fuzzTransport(byte[] data) {
        Dnp3Decoder d = new Dnp3Decoder(session(Transport.TCP));
        int p = 0;
        while (p < data.length) {
            int n = Math.min(data[p] & 0xFF, Math.min(Dnp3Link.MAX_USER_DATA, data.length - p - 1));
            if (n < 0) break;
            byte[] ud = java.util.Arrays.copyOfRange(data, p + 1, p + 1 + n);
            int ctrl = (p & 1) == 0 ? 0xC4 : 0x44;
            byte[] f = Dnp3Frames.frame(ctrl, 1, (p & 2) == 0 ? 10 : 11, ud);
            d.onData(ctrl == 0xC4 ? 0 : 1, f, 0, f.length, p);
            p += 1 + n;
        }
    }

    /** Application fragments straight into the reassembler's output and the object walker. */
    @FuzzTest(maxDuration = "10s")
    void fuzzApplication(byte[] data) {
        Dnp3Decoder d = new Dnp3Decoder(session(Transport.TCP));
        d.onFragment(data.length & 1, 1, 10, data, 0, data.length, 0L);
        Dnp3Objects.walk(data, 0, data.length, (data.length & 2) != 0, new Dnp3Objects.Visitor() {
            @Override public void header(int group, int variation, int qualifier, long count) {}
            @Override public void attribute(int variation, long index, int dataType, byte[] b, int off, int len) {
                Dnp3Attributes.value(dataType, b, off, len);
            }
        });
    }
}
