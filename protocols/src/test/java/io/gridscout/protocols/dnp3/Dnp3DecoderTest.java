package io.gridscout.protocols.dnp3;

import io.gridscout.protocols.fact.Endpoint;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.IpAddr;
import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.RecordingSession;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class Dnp3DecoderTest {
    /** Real frames from dnp3-iti-cold_restart_and_response.pcap: master 1 -> outstation 10, COLD_RESTART, and response. */
    static final byte[] COLD_RESTART = Dnp3Frames.hex("056408c40a000100fc42c0c00d9c86");
    static final byte[] COLD_RESTART_RESPONSE;

    static {
        // the response is built here from the standard (g52v2 time delay fine, 1000 ms)
        COLD_RESTART_RESPONSE = Dnp3Frames.frames(false, 1, 10, Dnp3Frames.hex("c1 81 80 00 34 02 07 01 e8 03"), 249, 0);
    }

    @Test
    void crcIsCrc16Dnp() {
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertThat(Dnp3Crc.compute(check, 0, 9)).isEqualTo(0xEA82);
        assertThat(Dnp3Crc.check(COLD_RESTART, 0, 8)).isTrue();
    }

    @Test
    void specRecognisesByContentNotPort() {
        Dnp3Spec spec = new Dnp3Spec();
        assertThat(spec.matches(COLD_RESTART, 0, COLD_RESTART.length, false, Transport.TCP)).isTrue();
        byte[] broken = COLD_RESTART.clone();
        broken[8] ^= 1; // header CRC
        assertThat(spec.matches(broken, 0, broken.length, true, Transport.TCP)).isFalse();
        assertThat(spec.matches(COLD_RESTART, 0, 9, true, Transport.TCP)).isFalse();
        assertThat(spec.matches(COLD_RESTART, 10, 10, true, Transport.TCP)).isFalse();
        assertThat(spec.matches(COLD_RESTART, -1, 10, true, Transport.TCP)).isFalse();
        assertThat(spec.matches(null, 0, 10, true, Transport.TCP)).isFalse();
        assertThat(spec.matches(new byte[] {5, 0x64, 4, 0, 0, 0, 0, 0, 0, 0}, 0, 10, true, Transport.UDP)).isFalse();
        assertThat(spec.isWellKnownPort(20000)).isTrue();
        assertThat(spec.supports(Transport.ETHERNET)).isFalse();
    }

    @Test
    void realColdRestartGivesRolesAddressesAndOperation() {
        RecordingSession s = RecordingSession.tcp("dnp3", 20000);
        Dnp3Decoder d = new Dnp3Decoder(s);
        d.onData(0, COLD_RESTART, 0, COLD_RESTART.length, 1);
        d.onData(1, COLD_RESTART_RESPONSE, 0, COLD_RESTART_RESPONSE.length, 2);
        assertThat(s.malformed).isEmpty();
        assertThat(s.operations).containsExactly(java.util.Map.entry("13 COLD_RESTART control", 1L));
        assertThat(s.details).containsEntry("restart=cold", 1L).containsEntry("iin=deviceRestart", 1L);
        assertThat(roles(s)).containsExactly("10.0.0.1:40000 master", "10.0.0.2:20000 outstation");
        assertThat(s.serverSide()).isEqualTo(1);
        assertThat(details(s, "linkAddresses")).containsExactly("10.0.0.1:40000 master 1", "10.0.0.2:20000 outstation 10");
    }

    @Test
    void rolesComeFromTheProtocolNotPorts() {
        // the outstation is side 0 on an ephemeral port and only answers (unsolicited)
        RecordingSession s = RecordingSession.tcp("dnp3", 20000);
        Dnp3Decoder d = new Dnp3Decoder(s);
        byte[] uns = Dnp3Frames.frames(false, 1, 10, Dnp3Frames.hex("f0 82 00 00"), 249, 0);
        d.onData(0, uns, 0, uns.length, 1);
        assertThat(roles(s)).containsExactly("10.0.0.1:40000 outstation");
        assertThat(s.serverSide()).isEqualTo(0);
        assertThat(s.details).containsEntry("unsolicited=1", 1L);
        assertThat(s.operations).isEmpty();
    }

    @Test
    void linkOnlyFramesUseTheDirBit() {
        RecordingSession s = RecordingSession.tcp("dnp3", 20000);
        Dnp3Decoder d = new Dnp3Decoder(s);
        byte[] reqStatus = Dnp3Frames.frame(Dnp3Link.DIR | Dnp3Link.PRM | Dnp3Link.PRI_REQUEST_LINK_STATUS, 10, 1, new byte[0]);
        byte[] status = Dnp3Frames.frame(11, 1, 10, new byte[0]); // secondary LINK_STATUS, DIR=0
        d.onData(0, reqStatus, 0, reqStatus.length, 1);
        d.onData(1, status, 0, status.length, 2);
        assertThat(roles(s)).containsExactly("10.0.0.1:40000 master", "10.0.0.2:20000 outstation");
        assertThat(s.details).containsEntry("linkFunction=REQUEST_LINK_STATUS", 1L).containsEntry("linkFunction=LINK_STATUS", 1L);
        assertThat(s.malformed).isEmpty();
    }

    @Test
    void brokenCrcsAreCountedDroppedAndTheStreamResyncs() {
        RecordingSession s = RecordingSession.tcp("dnp3", 20000);
        Dnp3Decoder d = new Dnp3Decoder(s);
        byte[] badHeader = COLD_RESTART.clone();
        badHeader[9] ^= 0x55;
        byte[] badBlock = COLD_RESTART.clone();
        badBlock[12] ^= 1; // function code byte inside the CRC-protected block
        byte[] read = Dnp3Frames.frames(true, 10, 1, Dnp3Frames.hex("c2 01 3c 01 06"), 249, 1);
        byte[] stream = Dnp3Frames.concat(Dnp3Frames.hex("00 05 ff"), badHeader, badBlock, read);
        for (int i = 0; i < stream.length; i++) d.onData(0, stream, i, 1, i);
        assertThat(s.malformed).containsExactly("dnp3 bytes outside a frame", "dnp3 link header crc", "dnp3 link block crc");
        assertThat(s.operations).containsOnlyKeys("1 READ read"); // the COLD_RESTART frames were dropped
        assertThat(s.details).containsEntry("classPoll=class0", 1L);
    }

    @Test
    void truncatedFramesNeverThrowAndUdpReportsThem() {
        RecordingSession tcp = RecordingSession.tcp("dnp3", 20000);
        Dnp3Decoder d = new Dnp3Decoder(tcp);
        for (int n = 0; n < COLD_RESTART.length; n++) d.onData(0, COLD_RESTART, 0, n, n);
        d.onGap(0, 99);
        assertThat(tcp.operations).isEmpty();

        RecordingSession udp = new RecordingSession("dnp3", Transport.UDP,
                new Endpoint(1, IpAddr.parse("10.0.0.1"), 20000), new Endpoint(2, IpAddr.parse("10.0.0.2"), 20000));
        Dnp3Decoder u = new Dnp3Decoder(udp);
        u.onData(0, COLD_RESTART, 0, COLD_RESTART.length - 1, 1);
        assertThat(udp.malformed).containsExactly("dnp3 truncated frame");
        u.onData(0, COLD_RESTART, 0, COLD_RESTART.length, 2);
        assertThat(udp.operations).containsOnlyKeys("13 COLD_RESTART control");
        // truncated application layer: response without IIN, object header cut short
        byte[] shortRsp = Dnp3Frames.frames(false, 1, 10, Dnp3Frames.hex("c1 81 00"), 249, 0);
        byte[] cutHeader = Dnp3Frames.frames(false, 1, 10, Dnp3Frames.hex("c1 81 00 00 1e 01 00 00"), 249, 1);
        u.onData(1, shortRsp, 0, shortRsp.length, 3);
        u.onData(1, cutHeader, 0, cutHeader.length, 4);
        assertThat(udp.malformed).containsExactly("dnp3 truncated frame", "dnp3 response without IIN", "dnp3 truncated object");
    }

    @Test
    void lostSegmentDiscardsTheFragmentNotTheSession() {
        RecordingSession s = RecordingSession.tcp("dnp3", 20000);
        Dnp3Decoder d = new Dnp3Decoder(s);
        byte[] app = new byte[300];
        app[0] = (byte) 0xc3;
        app[1] = (byte) 0x81;
        // IIN 0, then g110v255 with 1 object: 255 octets; 300 - 4 - 6 leaves 290 > 255 so pad after
        byte[] objs = Dnp3Frames.hex("6e ff 07 01");
        System.arraycopy(objs, 0, app, 4, objs.length);
        byte[] app2 = java.util.Arrays.copyOf(app, 4 + 4 + 255);
        List<byte[]> segs = splitFrames(Dnp3Frames.frames(false, 1, 10, app2, 100, 62)); // seq 62, 63, 0 (wraps)
        assertThat(segs).hasSize(3);
        // drop the middle segment: fragment discarded
        d.onData(1, segs.get(0), 0, segs.get(0).length, 1);
        d.onData(1, segs.get(2), 0, segs.get(2).length, 2);
        assertThat(s.malformed).containsExactly("dnp3 transport sequence gap");
        assertThat(s.details).doesNotContainKey("dataObject=octetString");
        // the whole fragment, with a duplicated segment (link retransmission) and the 63 -> 0 wrap
        for (byte[] f : List.of(segs.get(0), segs.get(1), segs.get(1), segs.get(2))) d.onData(1, f, 0, f.length, 3);
        assertThat(s.details).containsEntry("dataObject=octetString", 1L);
        // a last segment with no first one
        d.onData(1, segs.get(2), 0, segs.get(2).length, 4);
        assertThat(s.malformed).containsExactly("dnp3 transport sequence gap", "dnp3 segment without FIR");
    }

    @Test
    void transportCapsBoundMemory() {
        List<String> errors = new ArrayList<>();
        List<Integer> fragments = new ArrayList<>();
        Dnp3Transport t = new Dnp3Transport(0, new Dnp3Transport.Handler() {
            @Override public void onFragment(int side, int src, int dst, byte[] buf, int off, int len, long time) { fragments.add(len); }
            @Override public void onTransportError(int side, String reason) { errors.add(reason); }
        });
        byte[] seg = new byte[250];
        // too many concurrent partial fragments: the oldest is evicted
        for (int k = 0; k <= Dnp3Transport.MAX_SLOTS; k++) {
            seg[0] = (byte) Dnp3Transport.FIR;
            t.onSegment(k, 1, seg, 0, seg.length, k);
        }
        assertThat(errors).containsExactly("dnp3 too many partial fragments");
        // one fragment growing past the cap is discarded
        for (int i = 0; i < Dnp3Transport.MAX_FRAGMENT / 249 + 2; i++) {
            seg[0] = (byte) ((i == 0 ? Dnp3Transport.FIR : 0) | (i & 0x3F));
            t.onSegment(99, 1, seg, 0, seg.length, i);
        }
        assertThat(errors).contains("dnp3 fragment over size cap");
        assertThat(fragments).isEmpty();
        assertThat(t.dropped()).isEqualTo(errors.size());
    }

    @Test
    void transportBuffersOfAllSessionsShareACap() {
        // a 488-byte fragment in two frames needs a reassembly buffer (512 bytes); two sessions fit a 1200-byte budget
        Dnp3Transport.Budget budget = new Dnp3Transport.Budget(1200);
        byte[] app = new byte[488];
        app[0] = (byte) 0xC0;
        app[1] = (byte) Dnp3Functions.RESPONSE;
        byte[] objs = Dnp3Frames.hex("6e f0 07 02"); // g110v240, 2 objects of 240 octets: 4 + 4 + 480 bytes
        System.arraycopy(objs, 0, app, 4, objs.length);
        List<byte[]> segs = splitFrames(Dnp3Frames.frames(false, 1, 10, app, 249, 0));
        assertThat(segs).hasSize(2);
        List<RecordingSession> sessions = new ArrayList<>();
        List<Dnp3Decoder> decoders = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            RecordingSession s = RecordingSession.tcp("dnp3", 20000);
            Dnp3Decoder d = new Dnp3Decoder(s, budget);
            d.onData(1, segs.get(0), 0, segs.get(0).length, k); // the first segment: the fragment is pending
            sessions.add(s);
            decoders.add(d);
        }
        assertThat(sessions.get(0).malformed).isEmpty();
        assertThat(sessions.get(1).malformed).isEmpty();
        assertThat(sessions.get(2).malformed).containsExactly("dnp3 transport memory cap");
        assertThat(budget.refused()).isEqualTo(1);
        assertThat(budget.held()).isLessThanOrEqualTo(1200);
        // the sessions within the cap complete their fragment
        byte[] last = segs.get(1);
        decoders.get(0).onData(1, last, 0, last.length, 5);
        assertThat(sessions.get(0).details).containsEntry("dataObject=octetString", 1L);
        // closed sessions give their buffers back, and a new one fits again
        for (Dnp3Decoder d : decoders) d.onClose(6);
        assertThat(budget.held()).isZero();
        RecordingSession s = RecordingSession.tcp("dnp3", 20000);
        Dnp3Decoder d = new Dnp3Decoder(s, budget);
        for (byte[] f : segs) d.onData(1, f, 0, f.length, 7);
        assertThat(s.malformed).isEmpty();
        assertThat(s.details).containsEntry("dataObject=octetString", 1L);
    }

    @Test
    void secureAuthenticationAndFileTransferAreRecordedOnTheOutstation() {
        RecordingSession s = RecordingSession.tcp("dnp3", 20000);
        Dnp3Decoder d = new Dnp3Decoder(s);
        // master: AUTHENTICATE_REQ g120v4 session key status request for user 1 (qualifier 0x07, count 1)
        byte[] req = Dnp3Frames.frames(true, 10, 1, Dnp3Frames.hex("c1 20 78 04 07 01 01 00"), 249, 0);
        // outstation: AUTHENTICATE_RESP g120v5 session key status (qualifier 0x5B, one object of 4 bytes)
        byte[] rsp = Dnp3Frames.frames(false, 1, 10, Dnp3Frames.hex("c1 83 00 00 78 05 5b 01 04 00 01 02 03 04"), 249, 0);
        // master: OPEN_FILE with g70v3 file command (0x5B, 3 bytes)
        byte[] open = Dnp3Frames.frames(true, 10, 1, Dnp3Frames.hex("c2 19 46 03 5b 01 03 00 aa bb cc"), 249, 1);
        d.onData(0, req, 0, req.length, 1);
        d.onData(1, rsp, 0, rsp.length, 2);
        d.onData(0, open, 0, open.length, 3);
        assertThat(s.malformed).isEmpty();
        assertThat(s.details).containsEntry("secureAuthentication=sessionKeyStatusRequest", 1L)
                .containsEntry("secureAuthentication=sessionKeyStatus", 1L).containsEntry("fileTransfer=fileCommand", 1L);
        assertThat(details(s, "secureAuthentication")).containsExactly("10.0.0.2:20000 outstation true");
        assertThat(details(s, "fileTransfer")).containsExactly("10.0.0.2:20000 outstation true");
        assertThat(s.operations).containsOnlyKeys("32 AUTHENTICATE_REQ other", "25 OPEN_FILE program");
    }

    @Test
    void everyQualifierIsWalked() {
        // READ with index prefixes (0x17, 0x28), ranges (0x00, 0x01, 0x02), counts (0x07, 0x08, 0x09), all (0x06),
        // then a final header that proves the walk reached the end
        byte[] read = Dnp3Frames.hex("c1 01 1e 00 17 02 03 04 1e 00 28 01 00 05 00 1e 00 00 00 03 1e 00 01 00 00 03 00 "
                + "1e 00 02 00 00 00 00 03 00 00 00 1e 00 07 02 1e 00 08 02 00 1e 00 09 02 00 00 00 3c 02 06 3c 01 06");
        // response with packed bits (g1v1 0x00), fixed size with prefix (g32v1 0x28), 0x5B free format (g70v4)
        byte[] rsp = Dnp3Frames.hex("c1 81 00 00 01 01 00 00 09 ff 03 20 01 28 01 00 07 00 01 0a 00 00 00 "
                + "46 04 5b 01 02 00 00 00 3c 01 06");
        RecordingSession s = RecordingSession.tcp("dnp3", 20000);
        Dnp3Decoder d = new Dnp3Decoder(s);
        byte[] a = Dnp3Frames.frames(true, 10, 1, read, 249, 0);
        byte[] b = Dnp3Frames.frames(false, 1, 10, rsp, 249, 0);
        d.onData(0, a, 0, a.length, 1);
        d.onData(1, b, 0, b.length, 2);
        assertThat(s.malformed).isEmpty();
        assertThat(s.details).containsEntry("classPoll=class1", 1L).containsEntry("classPoll=class0", 1L)
                .containsEntry("fileTransfer=fileCommandStatus", 1L).doesNotContainKey("objectWalk=stopped at object of unknown size");
    }

    static List<byte[]> splitFrames(byte[] b) {
        List<byte[]> out = new ArrayList<>();
        int p = 0;
        while (p < b.length) {
            int size = Dnp3Link.frameSize(b[p + 2] & 0xFF);
            out.add(java.util.Arrays.copyOfRange(b, p, p + size));
            p += size;
        }
        return out;
    }

    static List<String> roles(RecordingSession s) {
        List<String> out = new ArrayList<>();
        for (Fact.Service f : s.factsOf(Fact.Service.class)) out.add(f.endpoint() + " " + f.role());
        return out;
    }

    static List<String> details(RecordingSession s, String name) {
        List<String> out = new ArrayList<>();
        for (Fact.ServiceDetail f : s.factsOf(Fact.ServiceDetail.class)) {
            if (f.name().equals(name)) out.add(f.endpoint() + " " + f.role() + " " + f.value());
        }
        return out;
    }
}
