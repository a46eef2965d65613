package io.gridscout.agent.fleet;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The hub's dedup rules: per key by source and sequence, per source for events; tombstones stay as markers. */
class FleetStoreTest {
    static final TopicPartition ASSETS = new TopicPartition("a", 0), EVENTS = new TopicPartition("e", 0);

    static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void duplicatesAndStaleCopiesAreDropped() {
        FleetStore s = new FleetStore();
        s.assign(ASSETS, FleetStore.Kind.ASSET);
        s.assign(EVENTS, FleetStore.Kind.EVENT);
        assertThat(s.apply(ASSETS, "n/1", json("{\"id\":\"1\"}"), "src", 1)).isTrue();
        assertThat(s.apply(ASSETS, "n/1", null, "src", 5)).isTrue();
        // a re-sent copy of the older value cannot bring the retired asset back
        assertThat(s.apply(ASSETS, "n/1", json("{\"id\":\"1\"}"), "src", 1)).isFalse();
        assertThat(s.items(FleetStore.Kind.ASSET, null)).isEmpty();
        // another agent instance (new source) is a new history
        assertThat(s.apply(ASSETS, "n/1", json("{\"id\":\"1\"}"), "src2", 1)).isTrue();
        assertThat(s.items(FleetStore.Kind.ASSET, "n")).hasSize(1);
        assertThat(s.count(FleetStore.Kind.ASSET)).isEqualTo(1);
        assertThat(s.items(FleetStore.Kind.ASSET, "m")).isEmpty();
        assertThat(s.apply(EVENTS, "n", json("{\"type\":\"snapshot\"}"), "src", 2)).isTrue();
        assertThat(s.apply(EVENTS, "n", json("{\"type\":\"snapshot\"}"), "src", 2)).isFalse();
        assertThat(s.apply(EVENTS, "n", json("{\"type\":\"snapshot\"}"), "src", 6)).isTrue();
        assertThat(s.apply(EVENTS, "n", json("not json"), "src", 7)).isFalse();
        assertThat(s.sites()).singleElement().satisfies(x -> {
            assertThat(x.site()).isEqualTo("n");
            assertThat(x.assets()).isEqualTo(1);
            assertThat(x.events()).isEqualTo(2);
        });
        assertThat(s.duplicates()).isEqualTo(2);
        assertThat(s.malformed()).isEqualTo(1);
        s.revoke(List.of(ASSETS));
        assertThat(s.items(FleetStore.Kind.ASSET, null)).isEmpty();
        assertThat(s.apply(ASSETS, "n/2", json("{}"), "src", 9)).isFalse();
    }
}
