package io.gridscout.agent.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gridscout.agent.TestFiles;
import io.gridscout.agent.cli.Main;
import io.gridscout.protocols.testutil.Captures;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #21, done-when: no pack made from the shared captures shows a control as conforming (evidence-of-conformity)
 * or clean (no-exception-observed) while a nonconformity or observation mapped to it exists in the same pack; in
 * both ISO editions, through the full {@code analyze --report} path.
 */
@Tag(Captures.SHARED)
class SharedPacksVerdictTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Set<String> CLEAN = Set.of("evidence-of-conformity", "no-exception-observed");
    static final Set<String> STATES = Set.of("nonconformity", "observation", "evidence-of-conformity", "no-exception-observed", "not-evaluated", "not-assessable");

    @TempDir
    Path tmp;

    @Test
    void noControlIsConformingWhileAFindingInThePackContradictsIt() throws Exception {
        List<Path> captures;
        try (Stream<Path> s = Files.list(TestFiles.sharedDir().resolve("pcaps"))) {
            captures = s.filter(p -> p.toString().endsWith(".pcap") || p.toString().endsWith(".pcapng")).sorted().toList();
        }
        assertThat(captures).hasSizeGreaterThanOrEqualTo(40);
        List<String> contradictions = new ArrayList<>();
        int packs = 0;
        for (Path capture : captures) {
            for (String std : List.of("27019:2024", "27019:2017")) {
                Path dir = tmp.resolve(capture.getFileName() + "-" + std.replace(':', '_'));
                assertThat(Main.run("analyze", "--quiet", "--standard", std, "--report", dir.toString(), capture.toString())).as(capture.toString()).isZero();
                JsonNode pack = JSON.readTree(dir.resolve("findings.json").toFile());
                packs++;
                assertThat(pack.path("legend").size()).isEqualTo(6);
                Set<String> contradicted = new HashSet<>();
                for (JsonNode f : pack.path("findings")) {
                    String st = f.path("status").asText();
                    if (!st.equals("nonconformity") && !st.equals("observation")) continue;
                    for (JsonNode c : f.path("controls")) contradicted.add(c.asText());
                }
                for (JsonNode c : pack.path("controls")) {
                    String state = c.path("assessment").asText();
                    assertThat(state).isIn(STATES);
                    assertThat(c.path("state").asText()).isEqualTo(state);
                    if (CLEAN.contains(state) && contradicted.contains(c.path("id").asText())) {
                        contradictions.add(capture.getFileName() + " " + std + " " + c.path("id").asText() + " " + state);
                    }
                    // the tool having run is never monitoring evidence
                    if (c.path("id").asText().equals(std.endsWith("2024") ? "8.16" : "A.12.4.1")) assertThat(state).isNotIn(CLEAN);
                    if (!c.path("rules").isEmpty()) assertThat(c.path("restsOn").size()).isEqualTo(c.path("rules").size());
                }
            }
        }
        assertThat(packs).isEqualTo(2 * captures.size());
        assertThat(contradictions).isEmpty();
    }
}
