package io.gridscout.agent.cli;

import io.gridscout.agent.TestFiles;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every capture in testdata with a tshark truth file is analysed and compared with the acceptance script
 * (testdata/tools/compare-truth.py) for each protocol the capture carries. Differences must be exactly the ones
 * documented, with their reason, in testdata/truth-differences.txt.
 */
class TruthTest {
    /** Protocols whose decoders have landed; a capture is compared for each of its protocols in this set. */
    static final Set<String> DECODED = Set.of("modbus", "iec104", "mms", "s7comm", "dnp3", "opcua", "goose", "enip", "bacnet", "synphasor");

    @TempDir
    static Path tmp;

    @TestFactory
    Stream<DynamicTest> everyCaptureMatchesItsTruth() throws IOException {
        Path dir = TestFiles.root().resolve("testdata/pcaps");
        Map<String, List<String>> documented = documentedDifferences();
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path truth : files.filter(p -> p.getFileName().toString().endsWith(".truth.json")).sorted().toList()) {
                String capture = truth.getFileName().toString().replace(".truth.json", "");
                for (String proto : protocolsOf(truth)) {
                    if (!DECODED.contains(proto)) continue;
                    tests.add(DynamicTest.dynamicTest(capture + " " + proto, () -> {
                        List<String> diffs = compare(dir.resolve(capture), truth, proto);
                        assertThat(diffs).as("differences from tshark truth (documented ones in testdata/truth-differences.txt)")
                                .containsExactlyInAnyOrderElementsOf(documented.getOrDefault(capture + " " + proto, List.of()));
                    }));
                }
            }
        }
        assertThat(tests).isNotEmpty();
        return tests.stream();
    }

    /** Protocols of a capture: the protocol sections of its truth file. */
    static List<String> protocolsOf(Path truth) throws IOException {
        java.util.Iterator<String> names = new com.fasterxml.jackson.databind.ObjectMapper().readTree(truth.toFile()).fieldNames();
        List<String> out = new ArrayList<>();
        names.forEachRemaining(out::add);
        return out;
    }

    static List<String> compare(Path capture, Path truth, String proto) throws Exception {
        Path json = tmp.resolve(capture.getFileName() + "." + proto + ".json");
        int exit = Main.run("analyze", "--quiet", "--json", json.toString(), capture.toString());
        assertThat(exit).as("analyze exit code").isZero();
        Process p = new ProcessBuilder("python3", TestFiles.root().resolve("testdata/tools/compare-truth.py").toString(),
                proto, truth.toString(), json.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        List<String> lines = out.lines().filter(l -> !l.isBlank()).toList();
        assertThat(rc).as("compare-truth.py exit code (output: %s)", out).isIn(0, 1);
        assertThat(rc == 0).isEqualTo(lines.isEmpty());
        return lines;
    }

    /** Lines "capture proto | expected difference line | reason". */
    static Map<String, List<String>> documentedDifferences() throws IOException {
        Map<String, List<String>> m = new TreeMap<>();
        Path f = TestFiles.root().resolve("testdata/truth-differences.txt");
        for (String line : Files.readAllLines(f)) {
            if (line.isBlank() || line.startsWith("#")) continue;
            String[] parts = line.split(" \\| ", 3);
            assertThat(parts).as("line must be 'capture proto | difference | reason': %s", line).hasSize(3);
            assertThat(parts[2].trim()).as("reason").isNotEmpty();
            m.computeIfAbsent(parts[0].trim(), k -> new ArrayList<>()).add(parts[1].trim());
        }
        return m;
    }
}
