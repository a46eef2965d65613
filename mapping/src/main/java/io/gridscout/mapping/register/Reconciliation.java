package io.gridscout.mapping.register;

import io.gridscout.mapping.inventory.Inventory;

import java.util.List;
import java.util.Map;

/** Register versus wire: one row per declared entry and per observed asset (matched pairs share a row). */
public record Reconciliation(List<Row> rows, Map<String, Integer> counts) {
    public enum Status {
        MATCHED("matched"), UNREGISTERED("unregistered"), NOT_OBSERVED("not-observed"), MISMATCH("mismatch"),
        OUT_OF_COVERAGE("out-of-coverage");

        public final String word;

        Status(String word) {
            this.word = word;
        }
    }

    /** {@code matchedBy} is mac, serial, ip or name for matched/mismatch rows, null otherwise. */
    public record Row(Status status, RegisterEntry entry, Inventory.Asset asset, String matchedBy, List<Diff> diffs) {
        public String label() {
            if (entry != null) return entry.label();
            return asset.id();
        }
    }

    /** A field whose declared value the wire contradicts; {@code statedBy}: the protocol element that stated it (null for addresses). */
    public record Diff(String field, String declared, String observed, String statedBy) {
        public Diff(String field, String declared, String observed) {
            this(field, declared, observed, null);
        }
    }
}
