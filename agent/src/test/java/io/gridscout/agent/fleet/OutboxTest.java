package io.gridscout.agent.fleet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Both outboxes keep order, never reuse a sequence number, and know the live keys; the SQLite one survives a restart. */
class OutboxTest {
    @TempDir
    Path tmp;

    static byte[] v(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    void contract(Supplier<Outbox> open, boolean durable) {
        Outbox o = open.get();
        String source = o.sourceId();
        long last = o.append(List.of(new Outbox.Pending("a", "s/1", v("x")), new Outbox.Pending("a", "s/2", v("y")),
                new Outbox.Pending("e", "s", v("ev"))));
        assertThat(last).isEqualTo(3);
        assertThat(o.peek(10)).extracting(Outbox.Entry::seq).containsExactly(1L, 2L, 3L);
        assertThat(o.liveKeys("a", "s/")).containsExactly("s/1", "s/2");
        o.remove(3);
        assertThat(o.pending()).isZero();
        // a tombstone retires the key; numbering continues after the outbox emptied
        assertThat(o.append(List.of(new Outbox.Pending("a", "s/1", null)))).isEqualTo(4);
        assertThat(o.liveKeys("a", "s/")).containsExactly("s/2");
        assertThat(o.liveKeys("a", "t/")).isEmpty();
        assertThat(o.peek(10).get(0).value()).isNull();
        if (durable) {
            o.close();
            o = open.get();
            assertThat(o.sourceId()).isEqualTo(source);
            assertThat(o.pending()).isEqualTo(1);
            assertThat(o.liveKeys("a", "s/")).containsExactly("s/2");
            o.remove(4);
            assertThat(o.append(List.of(new Outbox.Pending("a", "s/3", v("z"))))).isEqualTo(5);
        }
        assertThat(o.append(List.of())).isEqualTo(-1);
        o.close();
    }

    @Test
    void inMemory() {
        contract(InMemoryOutbox::new, false);
    }

    @Test
    void sqlite() {
        Path db = tmp.resolve("store.sqlite");
        contract(() -> new SqliteOutbox(db, "fleet_outbox"), true);
        // two tables in one file are two outboxes
        try (SqliteOutbox a = new SqliteOutbox(db, "fleet_outbox"); SqliteOutbox b = new SqliteOutbox(db, "other")) {
            assertThat(a.sourceId()).isNotEqualTo(b.sourceId());
            assertThat(b.pending()).isZero();
        }
        assertThatThrownBy(() -> new SqliteOutbox(db, "x; DROP TABLE y")).isInstanceOf(IllegalArgumentException.class);
    }
}
