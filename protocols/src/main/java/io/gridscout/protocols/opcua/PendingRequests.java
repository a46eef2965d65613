package io.gridscout.protocols.opcua;

/**
 * Requests awaiting their response, keyed by RequestHandle: service id and the namespace-0 numeric ids of the
 * nodes read (-1 for other nodes). Only requests whose response we want to interpret are stored. Fixed size;
 * when full the oldest entry is evicted and counted.
 */
final class PendingRequests {
    static final int CAPACITY = 32;

    private final long[] handles = new long[CAPACITY];
    private final int[] services = new int[CAPACITY];
    private final int[][] nodes = new int[CAPACITY][];
    private int next;
    private long overflow;

    /** Stores a pending request; true if the oldest entry had to be evicted for it. */
    boolean put(long handle, int service, int[] nodeIds) {
        for (int i = 0; i < CAPACITY; i++) {
            if (nodes[i] != null && handles[i] == handle) {
                services[i] = service;
                nodes[i] = nodeIds;
                return false;
            }
        }
        int slot = -1;
        for (int i = 0; i < CAPACITY; i++) {
            if (nodes[(next + i) % CAPACITY] == null) {
                slot = (next + i) % CAPACITY;
                break;
            }
        }
        boolean evicted = slot < 0;
        if (evicted) {
            slot = next; // ring order: the oldest insert is at next
            overflow++;
        }
        handles[slot] = handle;
        services[slot] = service;
        nodes[slot] = nodeIds;
        next = (slot + 1) % CAPACITY;
        return evicted;
    }

    /** Removes and returns the node ids of the pending request with this handle and service, or null. */
    int[] take(long handle, int service) {
        for (int i = 0; i < CAPACITY; i++) {
            if (nodes[i] != null && handles[i] == handle && services[i] == service) {
                int[] n = nodes[i];
                nodes[i] = null;
                return n;
            }
        }
        return null;
    }

    int size() {
        int n = 0;
        for (int[] x : nodes) if (x != null) n++;
        return n;
    }

    long overflow() {
        return overflow;
    }
}
