package io.gridscout.protocols.dnp3;

import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.flow.ProtocolDecoder;
import io.gridscout.protocols.flow.RecordingSession;
import io.gridscout.protocols.testutil.Captures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every DNP3 capture in testdata, decoded from tshark-extracted payloads, against its tshark truth file. */
@org.junit.jupiter.api.Tag(Captures.SHARED)
class Dnp3CaptureTruthTest {
    /**
     * Where the decoder is right and the tshark-made truth is not, checked by hand:
     * cisagov frames 808-810 (TCP stream 10) are one unsolicited fragment whose transport sequence wraps
     * 62, 63, 0; tshark 4.0 does not reassemble across the wrap and misses it, IEEE 1815 says seq is mod 64.
     */
    private static final Map<String, Map<String, Long>> UNSOLICITED_OVERRIDE = Map.of(
            "dnp3-cisagov-dnp3_example.pcap", Map.of("10.10.20.8:20000", 4L));
    /**
     * Broken bytes really in the captures (sorted): zeek frames 19 and 21 start 05 05 instead of 05 64; six
     * DISABLE_UNSOLICITED requests (e.g. frame 154) end with header 3c 04 and qualifier 0xED (reserved range code).
     */
    private static final Map<String, List<String>> EXPECTED_MALFORMED = Map.of(
            "dnp3-zeek-dnp3.pcap", List.of("dnp3 bad qualifier", "dnp3 bad qualifier", "dnp3 bad qualifier",
                    "dnp3 bad qualifier", "dnp3 bad qualifier", "dnp3 bad qualifier", "dnp3 bytes outside a frame"));

    static Stream<String> captures() throws IOException {
        try (Stream<Path> s = Files.list(Captures.sharedDir().resolve("pcaps"))) {
            List<String> names = s.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("dnp3-") && n.endsWith(".pcap")).sorted().toList();
            assertThat(names).hasSizeGreaterThanOrEqualTo(18);
            return names.stream();
        }
    }

    /** Every payload of the capture into DNP3 decoders; the first payload of each flow must be recognised as DNP3. */
    static List<Captures.Replayed<ProtocolDecoder>> feed(Path pcap) throws IOException, InterruptedException {
        List<Captures.Payload> payloads = Captures.payloads(pcap, "tcp || udp");
        Dnp3Spec spec = new Dnp3Spec();
        Set<String> started = new TreeSet<>();
        for (Captures.Payload p : payloads) {
            byte[] b = p.payload();
            if (started.add(p.flow()) && !spec.matches(b, 0, b.length, p.dstPort() == Dnp3Spec.PORT || p.srcPort() == Dnp3Spec.PORT, p.transport())) {
                throw new AssertionError("first payload of " + p.flow() + " not recognised as DNP3: " + java.util.HexFormat.of().formatHex(b));
            }
        }
        return Captures.replay(payloads, "dnp3", spec::newDecoder, Integer.MAX_VALUE);
    }

    @SuppressWarnings("unchecked")
    @ParameterizedTest
    @MethodSource("captures")
    void matchesTruth(String name) throws Exception {
        Path pcap = Captures.pcap(name);
        Map<String, Object> truth = (Map<String, Object>) Captures.truth(name).get("dnp3");

        Map<String, Set<Long>> linkAddrs = new TreeMap<>();
        Map<String, Set<Long>> masterCodes = new TreeMap<>();
        Map<String, Long> unsolicited = new TreeMap<>();
        Set<String> outstations = new TreeSet<>();
        List<String> malformed = new java.util.ArrayList<>();
        boolean sa = false;
        boolean file = false;
        for (Captures.Replayed<ProtocolDecoder> flow : feed(pcap)) {
            RecordingSession s = flow.session();
            malformed.addAll(s.malformed);
            String master = null;
            for (Fact.Service f : s.factsOf(Fact.Service.class)) {
                String host = f.endpoint().ip() + " " + f.role();
                linkAddrs.computeIfAbsent(host, k -> new TreeSet<>());
                if (f.role().equals("master")) master = host;
                else outstations.add(f.endpoint().ip() + ":" + f.endpoint().port());
                // the declared server is the outstation
                assertThat(s.endpoint(s.serverSide()).equals(f.endpoint())).isEqualTo(f.role().equals("outstation"));
            }
            for (Fact.ServiceDetail d : s.factsOf(Fact.ServiceDetail.class)) {
                switch (d.name()) {
                    case "linkAddresses" -> linkAddrs.computeIfAbsent(d.endpoint().ip() + " " + d.role(), k -> new TreeSet<>())
                            .add((Long) d.value());
                    case "secureAuthentication" -> { sa = true; assertThat(d.role()).isEqualTo("outstation"); }
                    case "fileTransfer" -> { file = true; assertThat(d.role()).isEqualTo("outstation"); }
                    default -> throw new AssertionError("unexpected detail " + d);
                }
            }
            for (String op : s.operations.keySet()) {
                assertThat(master).as("operations without a master in %s", name).isNotNull();
                masterCodes.computeIfAbsent(master, k -> new TreeSet<>()).add(Long.parseLong(op.substring(0, op.indexOf(' '))));
            }
            Long u = s.details.get("unsolicited=1");
            if (u != null) unsolicited.merge(s.endpoint(s.serverSide()).toString(), u, Long::sum);
        }

        java.util.Collections.sort(malformed);
        assertThat(malformed).as("malformed").isEqualTo(EXPECTED_MALFORMED.getOrDefault(name, List.of()));

        Map<String, Set<Long>> expectedAddrs = new TreeMap<>();
        ((Map<String, List<Long>>) truth.get("link_addresses_by_host")).forEach((k, v) -> expectedAddrs.put(k, new TreeSet<>(v)));
        assertThat(linkAddrs).as("link addresses by host and role").isEqualTo(expectedAddrs);

        Map<String, Set<Long>> expectedCodes = new TreeMap<>();
        ((Map<String, List<Long>>) truth.get("function_codes_by_host")).forEach((k, v) -> {
            if (k.endsWith(" master")) expectedCodes.put(k, new TreeSet<>(v));
        });
        assertThat(masterCodes).as("master function codes").isEqualTo(expectedCodes);

        Set<String> expectedOutstations = new TreeSet<>();
        for (Map<String, Object> e : (List<Map<String, Object>>) truth.get("endpoints")) {
            if (e.get("role").equals("outstation")) expectedOutstations.add(e.get("ip") + ":" + e.get("port"));
        }
        assertThat(outstations).isEqualTo(expectedOutstations);

        Map<String, Long> expectedUns = new TreeMap<>(UNSOLICITED_OVERRIDE.getOrDefault(name,
                (Map<String, Long>) truth.getOrDefault("unsolicited_responses_by_outstation", Map.of())));
        assertThat(unsolicited).as("unsolicited responses").isEqualTo(expectedUns);
        assertThat(sa).as("secure authentication").isEqualTo(truth.get("secure_authentication_seen"));
        assertThat(file).as("file transfer").isEqualTo(truth.get("file_transfer_seen"));
    }
}
