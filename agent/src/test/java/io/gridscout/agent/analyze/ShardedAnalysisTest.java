package io.gridscout.agent.analyze;

import io.gridscout.agent.TestFiles;
import io.gridscout.agent.output.InventoryJson;
import io.gridscout.mapping.inventory.InventoryBuilder;
import io.gridscout.protocols.flow.FlowTable;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code analyze --workers N} gives byte-identical JSON to one worker: every capture in testdata, alone and all
 * merged into one inventory, with 2 and 3 workers (3 makes shards uneven and leaves some empty).
 */
class ShardedAnalysisTest {

    /** The inventory JSON of {@code files} analysed with {@code workers} threads. */
    static String analyze(List<Path> files, int workers) throws IOException {
        InventoryBuilder builder = new InventoryBuilder();
        CaptureAnalyzer analyzer = new CaptureAnalyzer(builder, FlowTable.Limits.defaults(), Set.of(), workers);
        for (Path f : files) analyzer.analyze(f, null);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        InventoryJson.write(builder.snapshot(), "test", out);
        return out.toString(StandardCharsets.UTF_8);
    }

    static List<Path> captures() throws IOException {
        try (Stream<Path> s = Files.list(TestFiles.root().resolve("testdata/pcaps"))) {
            return s.filter(p -> p.toString().endsWith(".pcap") || p.toString().endsWith(".pcapng")).sorted().toList();
        }
    }

    @Test
    void everyTestCaptureGivesTheSameInventoryOnAnyNumberOfWorkers() throws IOException {
        List<Path> all = captures();
        assertThat(all).hasSizeGreaterThan(20);
        for (Path f : all) {
            String one = analyze(List.of(f), 1);
            assertThat(one).contains("\"assets\"");
            for (int w : new int[] {2, 3}) {
                assertThat(analyze(List.of(f), w)).as("%s with %d workers", f.getFileName(), w).isEqualTo(one);
            }
        }
    }

    @Test
    void allCapturesIntoOneInventory() throws IOException {
        List<Path> all = captures();
        String one = analyze(all, 1);
        assertThat(analyze(all, 2)).isEqualTo(one);
        assertThat(analyze(all, 3)).isEqualTo(one);
    }

    @Test
    void repeatedRunsAreIdenticalWhateverTheThreadTiming() throws IOException {
        List<Path> some = captures().stream().filter(p -> p.getFileName().toString().startsWith("mixed-")
                || p.getFileName().toString().startsWith("dnp3-zeek")).toList();
        String one = analyze(some, 1);
        for (int i = 0; i < 5; i++) assertThat(analyze(some, 2)).isEqualTo(one);
    }
}
