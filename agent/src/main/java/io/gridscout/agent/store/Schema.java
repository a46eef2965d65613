package io.gridscout.agent.store;

import java.util.List;

/**
 * The store's schema as an ordered list of migrations; the {@code schema_migrations} table records which ran.
 * Append new migrations, never edit a released one.
 */
final class Schema {
    private Schema() {}

    static final List<List<String>> MIGRATIONS = List.of(
            List.of(
                    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
                    "CREATE TABLE captures (file TEXT NOT NULL, sha256 TEXT, packets INTEGER NOT NULL, start_ns INTEGER, end_ns INTEGER, warnings TEXT NOT NULL)",
                    "CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
                    "CREATE TABLE assets (id TEXT PRIMARY KEY, ord INTEGER NOT NULL, macs TEXT NOT NULL, ips TEXT NOT NULL, vendor TEXT, model TEXT,"
                            + " firmware TEXT, serial TEXT, name TEXT, device_class TEXT NOT NULL, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL)",
                    "CREATE TABLE attributes (asset_id TEXT NOT NULL REFERENCES assets(id), ord INTEGER NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL,"
                            + " source TEXT NOT NULL, confidence REAL NOT NULL, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL)",
                    "CREATE INDEX attributes_asset ON attributes(asset_id)",
                    "CREATE TABLE services (asset_id TEXT NOT NULL REFERENCES assets(id), ord INTEGER NOT NULL, protocol TEXT NOT NULL, role TEXT NOT NULL,"
                            + " transport TEXT NOT NULL, port INTEGER NOT NULL, details TEXT NOT NULL)",
                    "CREATE INDEX services_asset ON services(asset_id)",
                    "CREATE TABLE communications (ord INTEGER NOT NULL, client TEXT NOT NULL, server TEXT NOT NULL, protocol TEXT NOT NULL, transport TEXT NOT NULL,"
                            + " port INTEGER NOT NULL, packets INTEGER NOT NULL, bytes INTEGER NOT NULL, operations TEXT NOT NULL, details TEXT NOT NULL,"
                            + " first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL)",
                    "CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, time_ns INTEGER NOT NULL, type TEXT NOT NULL, asset_id TEXT,"
                            + " subject TEXT, old_value TEXT, new_value TEXT)",
                    "CREATE INDEX events_time ON events(time_ns)"),
            // 2: the device class keeps its confidence and the rules that fired
            List.of(
                    "ALTER TABLE assets ADD COLUMN class_confidence REAL NOT NULL DEFAULT 0",
                    "ALTER TABLE assets ADD COLUMN class_rules TEXT NOT NULL DEFAULT '[]'"));
}
