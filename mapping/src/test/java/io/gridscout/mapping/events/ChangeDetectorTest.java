package io.gridscout.mapping.events;

import io.gridscout.mapping.inventory.Inventory;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ChangeDetectorTest {
    static final long S = 1_000_000_000L, T0 = 1_700_000_000L * S;

    static Inventory.Asset asset(String id, long last, List<Inventory.Service> services, Inventory.Attribute... attrs) {
        return new Inventory.Asset(id, List.of(), List.of(id), null, null, null, null, null, "plc", 0.0, List.of(), services, List.of(attrs), T0, last);
    }

    static Inventory.Attribute attr(String name, String value, double conf, long last) {
        return new Inventory.Attribute(name, value, "modbus.mei", conf, T0, last);
    }

    static final Inventory.Service MODBUS = new Inventory.Service("modbus", "server", "tcp", 502, Map.of());
    static final Inventory.Service HTTP = new Inventory.Service("tcp", "server", "tcp", 80, Map.of());

    static Inventory.Communication comm(String... kinds) {
        List<Inventory.Operation> ops = new java.util.ArrayList<>();
        for (String k : kinds) ops.add(new Inventory.Operation(k.length(), k.toUpperCase(), 1, k));
        return new Inventory.Communication("10.0.0.1", "10.0.0.2", "modbus", "tcp", 502, 2, 100, ops, List.of(), T0, T0);
    }

    static Inventory inv(List<Inventory.Asset> assets, List<Inventory.Communication> comms) {
        return new Inventory(List.of(), assets, comms, Map.of());
    }

    @Test
    void newThingsAndAttributeChanges() {
        ChangeDetector d = new ChangeDetector(3600 * S);
        Inventory one = inv(List.of(asset("10.0.0.2", T0, List.of(MODBUS), attr("firmware", "v1", 0.95, T0))), List.of(comm("read")));
        List<ChangeEvent> e1 = d.diff(null, one, T0 + S);
        assertThat(e1).extracting(ChangeEvent::type).containsExactly(ChangeEvent.NEW_ASSET, ChangeEvent.NEW_SERVICE, ChangeEvent.NEW_COMMUNICATION);
        assertThat(d.diff(one, one, T0 + 2 * S)).isEmpty();

        Inventory two = inv(List.of(asset("10.0.0.2", T0 + 10 * S, List.of(MODBUS, HTTP), attr("firmware", "v1", 0.95, T0),
                attr("firmware", "v2", 0.95, T0 + 10 * S), attr("serial", "SN1", 0.95, T0 + 10 * S), attr("model", "weak", 0.3, T0))),
                List.of(comm("read", "write")));
        List<ChangeEvent> e2 = d.diff(one, two, T0 + 11 * S);
        assertThat(e2).extracting(ChangeEvent::type, ChangeEvent::subject, ChangeEvent::oldValue, ChangeEvent::newValue).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple(ChangeEvent.ATTRIBUTE_CHANGED, "firmware", "v1", "v2"),
                org.assertj.core.groups.Tuple.tuple(ChangeEvent.ATTRIBUTE_LEARNED, "model", null, "weak"),
                org.assertj.core.groups.Tuple.tuple(ChangeEvent.ATTRIBUTE_LEARNED, "serial", null, "SN1"),
                org.assertj.core.groups.Tuple.tuple(ChangeEvent.NEW_SERVICE, "tcp/server/tcp/80", null, null),
                org.assertj.core.groups.Tuple.tuple(ChangeEvent.FIRST_OPERATION, "10.0.0.1>10.0.0.2 modbus/tcp/502", null, "write:WRITE"));
        // a second write on the same path is not "first" any more
        assertThat(d.diff(two, two, T0 + 12 * S)).isEmpty();
    }

    @Test
    void silenceIsReportedOncePerSilence() {
        ChangeDetector d = new ChangeDetector(60 * S);
        Inventory quiet = inv(List.of(asset("10.0.0.2", T0, List.of())), List.of());
        assertThat(d.diff(quiet, quiet, T0 + 30 * S)).isEmpty();
        assertThat(d.diff(quiet, quiet, T0 + 61 * S)).extracting(ChangeEvent::type).containsExactly(ChangeEvent.ASSET_SILENT);
        assertThat(d.diff(quiet, quiet, T0 + 120 * S)).isEmpty();
        Inventory back = inv(List.of(asset("10.0.0.2", T0 + 200 * S, List.of())), List.of());
        assertThat(d.diff(quiet, back, T0 + 201 * S)).isEmpty();
        assertThat(d.diff(back, back, T0 + 300 * S)).extracting(ChangeEvent::type).containsExactly(ChangeEvent.ASSET_SILENT);

        ChangeDetector restarted = new ChangeDetector(60 * S);
        restarted.prime(quiet, T0 + 500 * S);
        assertThat(restarted.diff(quiet, quiet, T0 + 501 * S)).isEmpty();
    }
}
