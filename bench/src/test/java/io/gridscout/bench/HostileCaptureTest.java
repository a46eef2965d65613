package io.gridscout.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gridscout.agent.cli.Main;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A corpus of damaged captures built from a valid synthetic one. For each: no exception escapes
 * {@code gridscout analyze}, the exit code says what happened (1 damaged with partial results, 2 not a capture),
 * the message names the file and the offset of the damage, and the inventory holds exactly what the packets
 * before the damage say (compared with an analysis of the clean prefix alone).
 */
class HostileCaptureTest {
    @TempDir
    static Path dir;
    static byte[] valid;
    /** Byte offset of each record in {@link #valid}. */
    static List<Integer> records = new ArrayList<>();
    static final ObjectMapper JSON = new ObjectMapper();

    record Outcome(int rc, String err, JsonNode inventory) {}

    @BeforeAll
    static void corpus() throws IOException {
        Path p = dir.resolve("valid.pcap");
        SubstationGenerator.generate(p, 11, 2, 12, 3_000);
        valid = Files.readAllBytes(p);
        ByteBuffer b = ByteBuffer.wrap(valid).order(ByteOrder.LITTLE_ENDIAN);
        for (int o = 24; o < valid.length; o += 16 + b.getInt(o + 8)) records.add(o);
    }

    static Outcome analyze(String name, byte[] content) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, content);
        Path json = dir.resolve(name + ".json");
        Files.deleteIfExists(json);
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            rc = Main.run("analyze", "--quiet", "--json", json.toString(), f.toString());
        } finally {
            System.setErr(old);
        }
        return new Outcome(rc, err.toString(StandardCharsets.UTF_8), Files.exists(json) ? JSON.readTree(json.toFile()) : null);
    }

    /** Damaged file: exit 1, message with the file and offset, and the same inventory as the clean prefix. */
    static void assertPartial(String name, byte[] damaged, int cleanLength, String... messageParts) throws IOException {
        Outcome bad = analyze(name, damaged);
        assertThat(bad.rc()).as(bad.err()).isEqualTo(1);
        assertThat(bad.err()).contains(name).contains("offset " + cleanLength);
        for (String m : messageParts) assertThat(bad.err()).contains(m);
        Outcome clean = analyze("clean-" + name, Arrays.copyOf(damaged, cleanLength));
        assertThat(clean.rc()).as(clean.err()).isZero();
        assertThat(bad.inventory().get("assets")).isNotEmpty().isEqualTo(clean.inventory().get("assets"));
        assertThat(bad.inventory().get("communications")).isEqualTo(clean.inventory().get("communications"));
        assertThat(bad.inventory().at("/captures/0/warnings/0").asText()).contains("offset " + cleanLength);
    }

    static int mid() {
        return records.get(records.size() / 2);
    }

    static byte[] concat(byte[]... parts) {
        ByteBuffer b = ByteBuffer.allocate(Arrays.stream(parts).mapToInt(p -> p.length).sum());
        for (byte[] p : parts) b.put(p);
        return b.array();
    }

    @Test
    void notACapture() throws IOException {
        for (byte[] content : List.of("GET / HTTP/1.1\r\n\r\nhello, this is no capture".getBytes(StandardCharsets.US_ASCII),
                new byte[0], Arrays.copyOf(valid, 10), Arrays.copyOf(valid, 23))) {
            Outcome o = analyze("notcap.pcap", content);
            assertThat(o.rc()).as(o.err()).isEqualTo(2);
            assertThat(o.err()).contains("notcap.pcap");
        }
    }

    @Test
    void truncatedRecordHeader() throws IOException {
        int cut = mid();
        assertPartial("trunc-header.pcap", Arrays.copyOf(valid, cut + 7), cut);
    }

    @Test
    void truncatedRecordBody() throws IOException {
        int cut = mid();
        assertPartial("trunc-body.pcap", Arrays.copyOf(valid, cut + 16 + 5), cut);
    }

    @Test
    void recordLongerThanSnapLength() throws IOException {
        byte[] b = valid.clone();
        int at = mid();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at + 8, 262_145).putInt(at + 12, 262_145);
        assertPartial("over-snaplen.pcap", b, at);
    }

    @Test
    void recordLongerThanTheFile() throws IOException {
        byte[] b = valid.clone();
        int at = records.get(records.size() - 1);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at + 8, 200_000).putInt(at + 12, 200_000);
        assertPartial("over-file.pcap", b, at);
    }

    @Test
    void garbageAfterAValidPrefix() throws IOException {
        byte[] junk = new byte[4096];
        new SplittableRandom(5).nextBytes(junk);
        // the first garbage "record header" claims more than the snap length
        ByteBuffer.wrap(junk).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 0x7FFF_FFF0);
        int cut = mid();
        assertPartial("garbage.pcap", concat(Arrays.copyOf(valid, cut), junk), cut);
    }

    @Test
    void truncatedGzip() throws IOException {
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(z)) {
            g.write(valid);
        }
        byte[] gz = Arrays.copyOf(z.toByteArray(), z.size() / 2);
        Outcome o = analyze("half.pcap.gz", gz);
        assertThat(o.rc()).as(o.err()).isEqualTo(1);
        assertThat(o.err()).contains("half.pcap.gz");
        assertThat(o.inventory().get("assets")).isNotEmpty();
    }

    @Test
    void zeroLengthAndFullSnapLengthPacketsAreValid() throws IOException {
        byte[] zero = new byte[16];
        ByteBuffer.wrap(zero).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 1_704_067_200);
        byte[] big = new byte[16 + 262_144];
        ByteBuffer.wrap(big).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 1_704_067_200).putInt(8, 262_144).putInt(12, 262_144);
        byte[] payload = new byte[262_144];
        new SplittableRandom(9).nextBytes(payload);
        // broadcast from a group source address (names no device), local experimental EtherType 0x88B5
        byte[] eth = {-1, -1, -1, -1, -1, -1, 3, 0, 0, 0, 0, 1, (byte) 0x88, (byte) 0xB5};
        System.arraycopy(eth, 0, payload, 0, eth.length);
        System.arraycopy(payload, 0, big, 16, payload.length);
        int cut = mid();
        byte[] content = concat(Arrays.copyOf(valid, cut), zero, big, zero, Arrays.copyOfRange(valid, cut, valid.length));
        Outcome o = analyze("odd-sizes.pcap", content);
        assertThat(o.rc()).as(o.err()).isZero();
        assertThat(o.inventory().at("/captures/0/packets").asLong()).isEqualTo(records.size() + 3);
        assertThat(o.inventory().get("assets")).isEqualTo(analyze("plain.pcap", valid).inventory().get("assets"));
    }

    @Test
    void unknownLinkType() throws IOException {
        byte[] b = valid.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(20, 147);   // LINKTYPE_USER0
        Outcome o = analyze("user0.pcap", b);
        assertThat(o.rc()).as(o.err()).isIn(0, 1);
        assertThat(o.inventory()).isNotNull();
        assertThat(o.inventory().at("/captures/0/packets").asLong()).isEqualTo(records.size());
    }

    // ------------------------------------------------------------------ pcapng

    /** The valid capture as pcapng: SHB, IDB, one EPB per packet. Returns the block offsets in {@code blocks}. */
    static byte[] pcapng(List<Integer> blocks) {
        ByteBuffer out = ByteBuffer.allocate(valid.length * 2 + 1024).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(0x0A0D0D0A).putInt(28).putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1).putInt(28);
        out.putInt(1).putInt(20).putShort((short) 1).putShort((short) 0).putInt(262_144).putInt(20);
        ByteBuffer in = ByteBuffer.wrap(valid).order(ByteOrder.LITTLE_ENDIAN);
        for (int r : records) {
            long us = in.getInt(r) * 1_000_000L + in.getInt(r + 4);
            int len = in.getInt(r + 8), padded = (len + 3) & ~3, total = 32 + padded;
            blocks.add(out.position());
            out.putInt(6).putInt(total).putInt(0).putInt((int) (us >>> 32)).putInt((int) us).putInt(len).putInt(len);
            out.put(valid, r + 16, len);
            for (int i = len; i < padded; i++) out.put((byte) 0);
            out.putInt(total);
        }
        return Arrays.copyOf(out.array(), out.position());
    }

    @Test
    void pcapngBogusBlockLengths() throws IOException {
        List<Integer> blocks = new ArrayList<>();
        byte[] ng = pcapng(blocks);
        assertThat(analyze("ok.pcapng", ng).rc()).isZero();
        int at = blocks.get(blocks.size() / 2);
        int[] lengths = {7, 13, 0, 0x7FFF_FFF0, 16};
        for (int len : lengths) {
            byte[] b = ng.clone();
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at + 4, len);
            assertPartial("bogus-" + len + ".pcapng", b, at);
        }
        // trailer disagreeing with the header
        byte[] b = ng.clone();
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        bb.putInt(at + bb.getInt(at + 4) - 4, 64);
        assertPartial("trailer.pcapng", b, at);
    }

    @Test
    void pcapngTruncatedAndGarbage() throws IOException {
        List<Integer> blocks = new ArrayList<>();
        byte[] ng = pcapng(blocks);
        int at = blocks.get(blocks.size() / 3);
        assertPartial("trunc.pcapng", Arrays.copyOf(ng, at + 20), at);
        byte[] junk = new byte[1000];
        new SplittableRandom(3).nextBytes(junk);
        assertPartial("junk.pcapng", concat(Arrays.copyOf(ng, at), junk), at);
    }
}
