package io.gridscout.agent.fleet;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/** An outbox that lives as long as the process: nothing survives a restart, so each instance is a new source. */
public final class InMemoryOutbox implements Outbox {
    private final String sourceId = UUID.randomUUID().toString();
    private final Deque<Entry> queue = new ArrayDeque<>();
    private final Map<String, Set<String>> live = new HashMap<>();
    private long seq;

    @Override
    public String sourceId() {
        return sourceId;
    }

    @Override
    public synchronized long append(List<Pending> records) {
        long last = -1;
        for (Pending p : records) {
            last = ++seq;
            queue.addLast(new Entry(last, p.topic(), p.key(), p.value()));
            Set<String> keys = live.computeIfAbsent(p.topic(), t -> new TreeSet<>());
            if (p.value() == null) keys.remove(p.key()); else keys.add(p.key());
        }
        return last;
    }

    @Override
    public synchronized List<Entry> peek(int max) {
        List<Entry> out = new ArrayList<>(Math.min(max, queue.size()));
        for (Entry e : queue) {
            if (out.size() >= max) break;
            out.add(e);
        }
        return out;
    }

    @Override
    public synchronized void remove(long upto) {
        while (!queue.isEmpty() && queue.peekFirst().seq() <= upto) queue.removeFirst();
    }

    @Override
    public synchronized long pending() {
        return queue.size();
    }

    @Override
    public synchronized Set<String> liveKeys(String topic, String prefix) {
        Set<String> out = new TreeSet<>();
        for (String k : live.getOrDefault(topic, Set.of())) if (k.startsWith(prefix)) out.add(k);
        return out;
    }

    @Override
    public void close() {}
}
