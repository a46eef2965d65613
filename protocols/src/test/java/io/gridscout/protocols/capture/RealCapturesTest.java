package io.gridscout.protocols.capture;

import io.gridscout.protocols.capture.CaptureWriter.Capture;
import io.gridscout.protocols.capture.CaptureWriter.Packet;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real captures against Wireshark's own tools: packet count (also from the truth file's meta), first and last
 * timestamp, sum of captured lengths (capinfos "data size"). The project's captures and the variants editcap and
 * mergecap make of them are judged by capinfos at test time; the third-party ones (../shared) by the values
 * capinfos 4.0.17 gave, in the acceptance step.
 */
class RealCapturesTest {
    @TempDir
    static Path tmp;

    static Path pcaps() {
        return io.gridscout.protocols.testutil.Captures.root().resolve("testdata/pcaps");
    }

    /** Every capture of the repository, and editcap's nanosecond-pcap and pcapng copies of one. */
    static Stream<Path> ownCaptures() throws IOException, InterruptedException {
        List<Path> all = new ArrayList<>();
        try (Stream<Path> s = Files.list(pcaps())) {
            s.filter(p -> p.getFileName().toString().matches(".*\\.pcap(ng)?")).sorted().forEach(all::add);
        }
        assertThat(all).isNotEmpty();
        Path src = pcaps().resolve("modbus-peer-mei-schneider-m340-pymodbus.pcap");
        all.add(tool("editcap", "-F", "nsecpcap", src.toString(), tmp.resolve("editcap-nsec.pcap").toString()));
        all.add(tool("editcap", "-F", "pcapng", src.toString(), tmp.resolve("editcap.pcapng").toString()));
        return all.stream();
    }

    @ParameterizedTest
    @MethodSource("ownCaptures")
    void ownCapturesMatchCapinfos(Path path) throws Exception {
        // capinfos -T -r -M: tab-separated name, encapsulation, packets, data size, first and last time (epoch s)
        String line = run("capinfos", "-T", "-r", "-M", "-E", "-c", "-d", "-S", "-a", "-e", path.toString()).strip();
        String[] f = line.split("\t");
        assertThat(f).as(line).hasSize(6);
        String format = Files.readAllBytes(path)[0] == 0x0a ? "pcapng" : "pcap";
        check(path, format, f[1].equals("ether") ? LinkTypes.ETHERNET : -1, Integer.parseInt(f[2]),
                nanos(f[4]), nanos(f[5]), Long.parseLong(f[3]));
    }

    @Tag(io.gridscout.protocols.testutil.Captures.SHARED)
    @ParameterizedTest
    @CsvSource({
            // file, format, link type, packets, first ns, last ns, captured bytes
            "s7comm-iti-step7_s300_AuthPassword.pcapng, pcap, 1, 6, 1399302737754400000, 1399302753013673000, 602",
            "s7comm-iti-wincc_s400_production.pcapng, pcap, 1, 1658, 1436377607644211000, 1436385706980132000, 267520",
            "modbus-cisagov-modbus_example.pcap, pcap, 1, 100, 1595660608237857000, 1595890833407055000, 7322",
            "opcua-cisagov-python_opcua-client-server_minimal-2.pcap, pcap, 0, 48, 1579717131476612000, 1579717131489345000, 5346",
            "opcua-cisagov-open62541_client-server_encrypted.pcap, pcapng, 0, 56, 1579552631105360000, 1579552631135447000, 32050",
    })
    void thirdPartyCapturesMatchCapinfos(String file, String format, int linkType, int packets, long first, long last, long bytes)
            throws IOException {
        Path path = io.gridscout.protocols.testutil.Captures.pcap(file);
        assertThat(truthPackets(io.gridscout.protocols.testutil.Captures.pcap(file + ".truth.json"))).isEqualTo(packets);
        check(path, format, linkType, packets, first, last, bytes);
    }

    static void check(Path path, String format, int linkType, int packets, long first, long last, long bytes)
            throws IOException {
        try (CaptureReader r = Captures.open(path)) {
            assertThat(r.format()).isEqualTo(format);
            int n = 0;
            long firstTs = -1;
            long lastTs = -1;
            long sum = 0;
            long previousPosition = r.position();
            while (r.next()) {
                if (n++ == 0) {
                    firstTs = r.timestampNanos();
                }
                lastTs = r.timestampNanos();
                sum += r.capturedLength();
                assertThat(r.linkType()).isEqualTo(linkType);
                assertThat(r.originalLength()).isGreaterThanOrEqualTo(r.capturedLength());
                assertThat(r.position()).isGreaterThan(previousPosition);
                previousPosition = r.position();
            }
            assertThat(r.damage()).isNull();
            assertThat(n).isEqualTo(packets);
            assertThat(firstTs).isEqualTo(first);
            assertThat(lastTs).isEqualTo(last);
            assertThat(sum).isEqualTo(bytes);
            assertThat(r.position()).isEqualTo(Files.size(path));
        }
    }

    @Test
    void nanosecondPcapFromEditcapHasTheSamePackets() throws Exception {
        Path src = pcaps().resolve("modbus-peer-mei-schneider-m340-pymodbus.pcap");
        Capture micro = CaptureWriter.read(src);
        Path ns = tool("editcap", "-F", "nsecpcap", src.toString(), tmp.resolve("nsec.pcap").toString());
        try (CaptureReader r = Captures.open(ns)) {
            assertThat(((PcapReader) r).nanosecondResolution()).isTrue();
            assertThat(CaptureWriter.readAll(r).packets()).isEqualTo(micro.packets());
        }
    }

    /**
     * mergecap output: two interfaces with different link types, packets interleaved by time. The second input is
     * the OPC UA peer capture rewritten as BSD loopback (link type NULL: 4-byte AF_INET instead of Ethernet).
     */
    @Test
    void mergedPcapngWithTwoLinkTypes() throws Exception {
        Capture modbus = CaptureWriter.read(pcaps().resolve("modbus-peer-mei-schneider-m340-pymodbus.pcap"));
        List<Packet> loop = new ArrayList<>();
        for (Packet p : CaptureWriter.read(pcaps().resolve("opcua-peer-nodeopcua-server-milo-client.pcap")).packets()) {
            byte[] b = new byte[p.bytes().length - 14 + 4];
            b[0] = 2; // AF_INET, little-endian host order as BSD writes it
            System.arraycopy(p.bytes(), 14, b, 4, p.bytes().length - 14);
            loop.add(new Packet(p.tsNanos(), b));
        }
        Capture opcua = new Capture(LinkTypes.NULL, loop, null, null);
        Path null0 = tmp.resolve("opcua-null.pcap");
        CaptureWriter.writePcap(null0, LinkTypes.NULL, loop);
        Path merged = tmp.resolve("merged-2if.pcapng");
        run("mergecap", "-F", "pcapng", "-w", merged.toString(),
                pcaps().resolve("modbus-peer-mei-schneider-m340-pymodbus.pcap").toString(), null0.toString());
        long expectedBytes = 0;
        for (Packet p : modbus.packets()) expectedBytes += p.bytes().length;
        for (Packet p : loop) expectedBytes += p.bytes().length;
        try (CaptureReader r = Captures.open(merged)) {
            assertThat(r.format()).isEqualTo("pcapng");
            int n = 0;
            int ether = 0;
            int loopback = 0;
            long sum = 0;
            while (r.next()) {
                Packet p = new Packet(r.timestampNanos(),
                        java.util.Arrays.copyOfRange(r.data(), r.offset(), r.offset() + r.capturedLength()));
                if (r.linkType() == LinkTypes.ETHERNET) {
                    assertThat(r.interfaceId()).isEqualTo(0);
                    assertThat(p).isEqualTo(modbus.packets().get(ether++));
                } else {
                    assertThat(r.linkType()).isEqualTo(LinkTypes.NULL);
                    assertThat(r.interfaceId()).isEqualTo(1);
                    assertThat(p).isEqualTo(opcua.packets().get(loopback++));
                }
                sum += r.capturedLength();
                n++;
            }
            assertThat(r.damage()).isNull();
            assertThat(ether).isEqualTo(modbus.packets().size());
            assertThat(loopback).isEqualTo(loop.size());
            assertThat(n).isEqualTo(ether + loopback);
            assertThat(sum).isEqualTo(expectedBytes);
            assertThat(((PcapngReader) r).interfaceCount()).isEqualTo(2);
            assertThat(r.position()).isEqualTo(Files.size(merged));
        }
    }

    /** The same real traffic written as pcap (both orders, µs/ns), pcapng and gz reads back identically. */
    @Tag(io.gridscout.protocols.testutil.Captures.SHARED)
    @Test
    void realTrafficRoundTripsThroughEveryVariant() throws IOException {
        Capture wincc = CaptureWriter.read(io.gridscout.protocols.testutil.Captures.pcap("s7comm-iti-wincc_s400_production.pcapng"));
        List<Packet> packets = wincc.packets();
        for (byte[] variant : List.of(
                CaptureWriter.pcap(LinkTypes.ETHERNET, packets, false, java.nio.ByteOrder.BIG_ENDIAN),
                CaptureWriter.pcap(LinkTypes.ETHERNET, packets, true, java.nio.ByteOrder.BIG_ENDIAN),
                CaptureWriter.pcapng(LinkTypes.ETHERNET, packets, java.nio.ByteOrder.LITTLE_ENDIAN),
                CaptureWriter.gzip(CaptureWriter.pcapng(LinkTypes.ETHERNET, packets, java.nio.ByteOrder.BIG_ENDIAN)),
                CaptureWriter.gzip(Files.readAllBytes(io.gridscout.protocols.testutil.Captures.pcap("s7comm-iti-wincc_s400_production.pcapng"))))) {
            Capture back = CaptureWriter.read(variant);
            assertThat(back.damage()).isNull();
            assertThat(back.linkType()).isEqualTo(LinkTypes.ETHERNET);
            assertThat(back.packets()).isEqualTo(packets);
        }
    }

    static long nanos(String epochSeconds) {
        return new BigDecimal(epochSeconds).movePointRight(9).longValueExact();
    }

    /** Runs a Wireshark tool; returns the output file (the last argument) or fails with the tool's output. */
    static Path tool(String... cmd) throws IOException, InterruptedException {
        run(cmd);
        return Path.of(cmd[cmd.length - 1]);
    }

    static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("%s: %s", String.join(" ", cmd), out).isZero();
        return out;
    }

    private static int truthPackets(Path truth) throws IOException {
        Matcher m = Pattern.compile("\"packets\"\\s*:\\s*(\\d+)").matcher(Files.readString(truth));
        assertThat(m.find()).isTrue();
        return Integer.parseInt(m.group(1));
    }
}
