package io.gridscout.agent.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The hub's own store: the fleet state of the partitions this hub owns, rebuilt from the topics when partitions are
 * assigned and dropped when they are revoked. Per partition: the latest value per key with the source and sequence
 * it came with (a copy with a sequence not above the stored one, from the same source, is a duplicate and dropped;
 * tombstones are kept as markers so a stale copy cannot bring a retired asset back), and for events the count per
 * site and the highest sequence seen per source. Thread-safe; readers get copies.
 */
public final class FleetStore {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Value(String source, long seq, JsonNode json) {}

    private static final class Part {
        final Map<String, Value> keyed = new HashMap<>();
        final Map<String, Long> maxSeqBySource = new HashMap<>();
        final Map<String, Long> eventsBySite = new TreeMap<>();
        final Map<String, JsonNode> lastEventBySite = new TreeMap<>();
        final Map<String, JsonNode> lastSnapshotBySite = new TreeMap<>();
    }

    public enum Kind { ASSET, FINDING, EVENT, COMMUNICATION }

    private final Map<TopicPartition, Part> parts = new HashMap<>();
    private final Map<TopicPartition, Kind> kinds = new HashMap<>();
    private long applied, duplicates, malformed;

    public synchronized void assign(TopicPartition tp, Kind kind) {
        parts.put(tp, new Part());
        kinds.put(tp, kind);
    }

    public synchronized void revoke(Collection<TopicPartition> tps) {
        for (TopicPartition tp : tps) {
            parts.remove(tp);
            kinds.remove(tp);
        }
    }

    /** Applies one record; returns false when it was a duplicate or malformed. */
    public synchronized boolean apply(TopicPartition tp, String key, byte[] value, String source, long seq) {
        Part p = parts.get(tp);
        Kind kind = kinds.get(tp);
        if (p == null || key == null) return false;
        JsonNode json = null;
        if (value != null) {
            try {
                json = JSON.readTree(value);
            } catch (IOException e) {
                malformed++;
                return false;
            }
            if (json == null || !json.isObject()) {
                malformed++;
                return false;
            }
        }
        if (kind == Kind.EVENT) {
            Long max = p.maxSeqBySource.get(source);
            if (source != null && max != null && seq <= max) {
                duplicates++;
                return false;
            }
            if (source != null) p.maxSeqBySource.put(source, seq);
            if (json != null) {
                p.eventsBySite.merge(key, 1L, Long::sum);
                p.lastEventBySite.put(key, json);
                if ("snapshot".equals(json.path("type").asText())) p.lastSnapshotBySite.put(key, json);
            }
        } else {
            Value old = p.keyed.get(key);
            if (old != null && source != null && source.equals(old.source) && seq <= old.seq) {
                duplicates++;
                return false;
            }
            p.keyed.put(key, new Value(source, seq, json));
        }
        applied++;
        return true;
    }

    /** One asset, finding or communication with its site, for the API. */
    public record Item(String site, String key, ObjectNode json) {}

    public synchronized List<Item> items(Kind kind, String site) {
        List<Item> out = new ArrayList<>();
        for (Map.Entry<TopicPartition, Part> e : parts.entrySet()) {
            if (kinds.get(e.getKey()) != kind) continue;
            for (Map.Entry<String, Value> v : e.getValue().keyed.entrySet()) {
                if (v.getValue().json == null) continue;
                int slash = v.getKey().indexOf('/');
                String s = slash < 0 ? v.getKey() : v.getKey().substring(0, slash);
                if (site != null && !site.equals(s)) continue;
                out.add(new Item(s, v.getKey(), v.getValue().json.deepCopy()));
            }
        }
        out.sort((a, b) -> a.key.compareTo(b.key));
        return out;
    }

    /** Live (not retired) assets or findings held, without copying them (for metrics). */
    public synchronized long count(Kind kind) {
        long n = 0;
        for (Map.Entry<TopicPartition, Part> e : parts.entrySet()) {
            if (kinds.get(e.getKey()) != kind) continue;
            for (Value v : e.getValue().keyed.values()) if (v.json != null) n++;
        }
        return n;
    }

    /** The last "snapshot" event per site (it names the captures the site's inventory came from). */
    public synchronized Map<String, JsonNode> lastSnapshots() {
        Map<String, JsonNode> out = new TreeMap<>();
        for (Map.Entry<TopicPartition, Part> e : parts.entrySet()) {
            if (kinds.get(e.getKey()) != Kind.EVENT) continue;
            e.getValue().lastSnapshotBySite.forEach((s, j) -> out.put(s, j.deepCopy()));
        }
        return out;
    }

    public record SiteSummary(String site, long assets, long findings, long events, JsonNode lastEvent) {}

    public synchronized List<SiteSummary> sites() {
        Map<String, long[]> counts = new TreeMap<>();
        Map<String, JsonNode> last = new TreeMap<>();
        for (Map.Entry<TopicPartition, Part> e : parts.entrySet()) {
            Kind k = kinds.get(e.getKey());
            Part p = e.getValue();
            if (k == Kind.EVENT) {
                p.eventsBySite.forEach((s, n) -> counts.computeIfAbsent(s, x -> new long[3])[2] += n);
                last.putAll(p.lastEventBySite);
            } else if (k != Kind.COMMUNICATION) {
                for (Map.Entry<String, Value> v : p.keyed.entrySet()) {
                    if (v.getValue().json == null) continue;
                    int slash = v.getKey().indexOf('/');
                    String s = slash < 0 ? v.getKey() : v.getKey().substring(0, slash);
                    counts.computeIfAbsent(s, x -> new long[3])[k == Kind.ASSET ? 0 : 1]++;
                }
            }
        }
        List<SiteSummary> out = new ArrayList<>();
        counts.forEach((s, c) -> out.add(new SiteSummary(s, c[0], c[1], c[2], last.get(s))));
        return out;
    }

    public synchronized long applied() {
        return applied;
    }

    public synchronized long duplicates() {
        return duplicates;
    }

    public synchronized long malformed() {
        return malformed;
    }

    public synchronized int partitions() {
        return parts.size();
    }
}
