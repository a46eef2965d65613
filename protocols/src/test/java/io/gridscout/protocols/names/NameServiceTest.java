package io.gridscout.protocols.names;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.Mac;
import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.RecordingSession;
import io.gridscout.protocols.testutil.Captures;
import io.gridscout.protocols.testutil.L2Frames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** DNS, mDNS (RFC 1035/6762) and NetBIOS name service (RFC 1002) messages built byte by byte, checked by tshark. */
class NameServiceTest {
    static L2Frames.Bytes qname(L2Frames.Bytes o, String name) {
        for (String l : name.split("\\.")) o.b(l.length()).ascii(l);
        return o.b(0);
    }

    /** Response: question + A answer (pointer to the question name) + AAAA answer. */
    static byte[] dnsResponse(int id, String name, String v4, boolean withAaaa) {
        L2Frames.Bytes o = L2Frames.bytes().u16(id).u16(0x8180).u16(1).u16(withAaaa ? 2 : 1).u16(0).u16(0);
        qname(o, name).u16(1).u16(1);
        o.b(0xC0, 0x0C).u16(1).u16(1).u32(300).u16(4).raw(L2Frames.ip4(v4));
        if (withAaaa) o.b(0xC0, 0x0C).u16(28).u16(1).u32(300).u16(16).b(0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x42);
        return o.bytes();
    }

    static byte[] dnsQuery(int id, String name) {
        return qname(L2Frames.bytes().u16(id).u16(0x0100).u16(1).u16(0).u16(0).u16(0), name).u16(1).u16(1).bytes();
    }

    /** mDNS announcement: no question, one A record with the cache-flush bit. */
    static byte[] mdnsAnnouncement(String name, String v4) {
        L2Frames.Bytes o = L2Frames.bytes().u16(0).u16(0x8400).u16(0).u16(1).u16(0).u16(0);
        return qname(o, name).u16(1).u16(0x8001).u32(120).u16(4).raw(L2Frames.ip4(v4)).bytes();
    }

    static L2Frames.Bytes nbName(L2Frames.Bytes o, String name, int suffix) {
        byte[] n = new byte[16];
        java.util.Arrays.fill(n, (byte) ' ');
        System.arraycopy(name.getBytes(), 0, n, 0, name.length());
        n[15] = (byte) suffix;
        o.b(32);
        for (byte c : n) o.b('A' + ((c >> 4) & 0xF), 'A' + (c & 0xF));
        return o.b(0);
    }

    /** Name registration request (opcode 5, broadcast): question + additional NB record with flags and address. */
    static byte[] nbRegistration(int id, String name, int suffix, boolean group, String ip) {
        L2Frames.Bytes o = L2Frames.bytes().u16(id).u16(0x2910).u16(1).u16(0).u16(0).u16(1);
        nbName(o, name, suffix).u16(0x20).u16(1);
        return o.b(0xC0, 0x0C).u16(0x20).u16(1).u32(300000).u16(6).u16(group ? 0x8000 : 0).raw(L2Frames.ip4(ip)).bytes();
    }

    @Test
    void namesOfAnsweredAddresses(@TempDir Path tmp) throws Exception {
        String c = "00:00:00:00:00:0c", r = "00:00:00:00:00:53", h = "00:00:00:00:00:77";
        List<byte[]> frames = List.of(
                L2Frames.udp(c, r, "10.5.0.10", 40000, "10.5.0.53", 53, dnsQuery(7, "rtu1.plant.example")),
                L2Frames.udp(r, c, "10.5.0.53", 53, "10.5.0.10", 40000, dnsResponse(7, "rtu1.plant.example", "10.5.1.21", true)),
                L2Frames.udp(r, c, "10.5.0.53", 53, "10.5.0.10", 40000, dnsResponse(7, "rtu1.plant.example", "10.5.1.21", false)),
                L2Frames.udp(h, "01:00:5e:00:00:fb", "10.5.1.30", 5353, "224.0.0.251", 5353, mdnsAnnouncement("hmi-2.local", "10.5.1.30")),
                L2Frames.udp(h, "ff:ff:ff:ff:ff:ff", "10.5.1.30", 137, "10.5.255.255", 137, nbRegistration(1, "ENGWS01", 0x00, false, "10.5.1.30")),
                L2Frames.udp(h, "ff:ff:ff:ff:ff:ff", "10.5.1.30", 137, "10.5.255.255", 137, nbRegistration(2, "WORKGROUP", 0x00, true, "10.5.1.30")),
                L2Frames.udp(h, "ff:ff:ff:ff:ff:ff", "10.5.1.30", 137, "10.5.255.255", 137, nbRegistration(3, "ENGWS01", 0x03, false, "10.5.1.30")));
        List<Fact> facts = L2Frames.run(List.of(NameServiceSpec.dns(), NameServiceSpec.mdns(), NameServiceSpec.netbios()), List.of(), frames);
        assertThat(facts).filteredOn(f -> f instanceof Fact.Identity).map(f -> (Fact.Identity) f)
                .allMatch(i -> i.endpoint().mac() == Mac.NONE && i.endpoint().port() == 0)
                .extracting(i -> i.endpoint().ip() + " " + i.name() + "=" + i.value() + " " + i.source())
                // containsOnly: the repeated answer arrives on a new flow (the first ended when it was answered) and says it again
                .containsOnly("10.5.1.21 dnsName=rtu1.plant.example dns", "fd00::42 dnsName=rtu1.plant.example dns",
                        "10.5.1.30 dnsName=hmi-2.local mdns", "10.5.1.30 netbiosName=ENGWS01 netbios");
        // an answered query frees its flow at once (no slot held for the idle timeout): the answer and its repeat are two conversations
        assertThat(facts).filteredOn(f -> f instanceof Fact.Conversation cv && cv.protocol().equals("dns")).hasSize(2);
        assertThat(facts).anyMatch(f -> f instanceof Fact.Service s && s.protocol().equals("dns") && s.role().equals("server")
                && s.endpoint().ip().toString().equals("10.5.0.53"));

        Path pcap = L2Frames.writePcap(tmp, "names.pcap", frames);
        assertThat(Captures.tshark(pcap, "dns.flags.response == 1 && dns.a", "dns.resp.name", "dns.a").get(0))
                .containsExactly("rtu1.plant.example", "10.5.1.21");
        assertThat(Captures.tshark(pcap, "mdns", "dns.resp.name", "dns.a").get(0)).containsExactly("hmi-2.local", "10.5.1.30");
        List<String[]> nb = Captures.tshark(pcap, "nbns", "nbns.name", "nbns.addr");
        assertThat(nb.get(0)[0]).startsWith("ENGWS01<00>");
        assertThat(nb.get(0)[1]).isEqualTo("10.5.1.30");
    }

    @Test
    void compressionLoopsAreRefused() {
        RecordingSession s = new RecordingSession("dns", Transport.UDP, RecordingSession.tcp("x", 1).endpoint(0), RecordingSession.tcp("x", 53).endpoint(1));
        byte[] loop = L2Frames.bytes().u16(1).u16(0x8180).u16(0).u16(1).u16(0).u16(0).b(0xC0, 0x0C).u16(1).u16(1).u32(1).u16(4).u32(1).bytes();
        NameServiceSpec.dns().newDecoder(s).onData(1, loop, 0, loop.length, 0);
        assertThat(s.malformed).containsExactly("bad DNS record");
    }

    @FuzzTest(maxDuration = "10s")
    void fuzz(byte[] data) {
        for (NameServiceSpec spec : new NameServiceSpec[] {NameServiceSpec.dns(), NameServiceSpec.mdns(), NameServiceSpec.netbios()}) {
            RecordingSession s = new RecordingSession(spec.name(), Transport.UDP, RecordingSession.tcp("x", 1).endpoint(0), RecordingSession.tcp("x", 53).endpoint(1));
            spec.matches(data, 0, data.length, true, Transport.UDP);
            var d = spec.newDecoder(s);
            d.onData(0, data, 0, data.length, 0);
            d.onData(1, data, 0, data.length, 1);
        }
    }
}
