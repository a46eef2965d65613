package io.gridscout.protocols.capture;

import io.gridscout.protocols.capture.CaptureWriter.Capture;
import io.gridscout.protocols.capture.CaptureWriter.Packet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real captures against tshark/capinfos 4.0.17: packet count (also from the truth file's meta), first and last
 * timestamp, sum of captured lengths (capinfos "data size").
 */
class RealCapturesTest {
    static Path pcaps() {
        return Path.of(System.getProperty("gridscout.root", "..")).resolve("testdata/pcaps");
    }

    @ParameterizedTest
    @CsvSource({
            // file, format, link type, packets, first ns, last ns, captured bytes
            "s7comm-iti-step7_s300_AuthPassword.pcapng, pcap, 1, 6, 1399302737754400000, 1399302753013673000, 602",
            "s7comm-iti-wincc_s400_production.pcapng, pcap, 1, 1658, 1436377607644211000, 1436385706980132000, 267520",
            "modbus-cisagov-modbus_example.pcap, pcap, 1, 100, 1595660608237857000, 1595890833407055000, 7322",
            "opcua-cisagov-python_opcua-client-server_minimal-2.pcap, pcap, 0, 48, 1579717131476612000, 1579717131489345000, 5346",
            "opcua-cisagov-open62541_client-server_encrypted.pcap, pcapng, 0, 56, 1579552631105360000, 1579552631135447000, 32050",
            "modbus-cisagov-modbus_example-nsec.pcap, pcap, 1, 100, 1595660608237857000, 1595890833407055000, 7322",
    })
    void matchesTshark(String file, String format, int linkType, int packets, long first, long last, long bytes)
            throws IOException {
        Path path = pcaps().resolve(file);
        Path truth = pcaps().resolve(file + ".truth.json");
        if (Files.exists(truth)) {
            assertThat(truthPackets(truth)).isEqualTo(packets);
        }
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
    void nanosecondPcapFromEditcapHasTheSamePackets() throws IOException {
        Capture micro = CaptureWriter.read(pcaps().resolve("modbus-cisagov-modbus_example.pcap"));
        try (CaptureReader r = Captures.open(pcaps().resolve("modbus-cisagov-modbus_example-nsec.pcap"))) {
            assertThat(((PcapReader) r).nanosecondResolution()).isTrue();
            assertThat(CaptureWriter.readAll(r).packets()).isEqualTo(micro.packets());
        }
    }

    /** mergecap output: two interfaces with different link types, packets interleaved by time. */
    @Test
    void mergedPcapngWithTwoLinkTypes() throws IOException {
        Capture modbus = CaptureWriter.read(pcaps().resolve("modbus-cisagov-modbus_example.pcap"));
        Capture opcua = CaptureWriter.read(pcaps().resolve("opcua-cisagov-python_opcua-client-server_minimal-2.pcap"));
        Path merged = pcaps().resolve("mixed-merged-modbus-opcua-2if.pcapng");
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
            assertThat(n).isEqualTo(148);
            assertThat(ether).isEqualTo(100);
            assertThat(loopback).isEqualTo(48);
            assertThat(sum).isEqualTo(12668);
            assertThat(((PcapngReader) r).interfaceCount()).isEqualTo(2);
            assertThat(r.position()).isEqualTo(Files.size(merged));
        }
    }

    /** The same real traffic written as pcap (both orders, µs/ns), pcapng and gz reads back identically. */
    @Test
    void realTrafficRoundTripsThroughEveryVariant() throws IOException {
        Capture wincc = CaptureWriter.read(pcaps().resolve("s7comm-iti-wincc_s400_production.pcapng"));
        List<Packet> packets = wincc.packets();
        for (byte[] variant : List.of(
                CaptureWriter.pcap(LinkTypes.ETHERNET, packets, false, java.nio.ByteOrder.BIG_ENDIAN),
                CaptureWriter.pcap(LinkTypes.ETHERNET, packets, true, java.nio.ByteOrder.BIG_ENDIAN),
                CaptureWriter.pcapng(LinkTypes.ETHERNET, packets, java.nio.ByteOrder.LITTLE_ENDIAN),
                CaptureWriter.gzip(CaptureWriter.pcapng(LinkTypes.ETHERNET, packets, java.nio.ByteOrder.BIG_ENDIAN)),
                CaptureWriter.gzip(Files.readAllBytes(pcaps().resolve("s7comm-iti-wincc_s400_production.pcapng"))))) {
            Capture back = CaptureWriter.read(variant);
            assertThat(back.damage()).isNull();
            assertThat(back.linkType()).isEqualTo(LinkTypes.ETHERNET);
            assertThat(back.packets()).isEqualTo(packets);
        }
    }

    private static int truthPackets(Path truth) throws IOException {
        Matcher m = Pattern.compile("\"packets\"\\s*:\\s*(\\d+)").matcher(Files.readString(truth));
        assertThat(m.find()).isTrue();
        return Integer.parseInt(m.group(1));
    }
}
