package io.gridscout.protocols.util;

/**
 * A small open-addressing set of longs with a hard size cap: "have we seen this before?" without boxing.
 * When full, {@link #add} refuses new members and counts them, so callers treat them as already seen.
 */
public final class LongSet {
    private static final long EMPTY = Long.MIN_VALUE;
    private final int cap;
    private long[] slots;
    private int size;
    private boolean hasEmptyKey;
    private long refused;

    public LongSet(int cap) {
        this.cap = cap;
        this.slots = new long[8];
        java.util.Arrays.fill(slots, EMPTY);
    }

    /** True if {@code v} was added now; false if present already or the set is full. */
    public boolean add(long v) {
        if (v == EMPTY) {
            if (hasEmptyKey) return false;
            if (size >= cap) { refused++; return false; }
            hasEmptyKey = true;
            size++;
            return true;
        }
        int mask = slots.length - 1;
        int i = mix(v) & mask;
        while (slots[i] != EMPTY) {
            if (slots[i] == v) return false;
            i = (i + 1) & mask;
        }
        if (size >= cap) {
            refused++;
            return false;
        }
        slots[i] = v;
        size++;
        if (size * 2 > slots.length) grow();
        return true;
    }

    public boolean contains(long v) {
        if (v == EMPTY) return hasEmptyKey;
        int mask = slots.length - 1;
        for (int i = mix(v) & mask; slots[i] != EMPTY; i = (i + 1) & mask) {
            if (slots[i] == v) return true;
        }
        return false;
    }

    public int size() {
        return size;
    }

    public long refused() {
        return refused;
    }

    private void grow() {
        long[] old = slots;
        slots = new long[old.length * 2];
        java.util.Arrays.fill(slots, EMPTY);
        int mask = slots.length - 1;
        for (long v : old) {
            if (v == EMPTY) continue;
            int i = mix(v) & mask;
            while (slots[i] != EMPTY) i = (i + 1) & mask;
            slots[i] = v;
        }
    }

    private static int mix(long v) {
        long h = v * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
