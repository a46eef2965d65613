package io.gridscout.mapping.oui;

import io.gridscout.protocols.fact.Mac;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * MAC vendor lookup from the IEEE registry (MA-L 24 bit, MA-M 28 bit, MA-S and IAB 36 bit), bundled as
 * {@code oui.tsv.gz} (built by {@code mapping/tools/make-oui.py} from Debian's ieee-data).
 * Loaded once on first {@link #get()} (class-holder idiom: thread-safe, no locking afterwards).
 * Lookups are binary searches over sorted primitive arrays: no allocation per call.
 */
public final class OuiRegistry {
    static final String RESOURCE = "oui.tsv.gz";

    private static final class Holder {
        static final OuiRegistry INSTANCE = loadResource();
    }

    private final String sourceDate;
    private final long[] keys24, keys28, keys36;
    private final String[] names24, names28, names36;

    private OuiRegistry(String sourceDate, long[] keys24, String[] names24, long[] keys28, String[] names28,
                        long[] keys36, String[] names36) {
        this.sourceDate = sourceDate;
        this.keys24 = keys24;
        this.names24 = names24;
        this.keys28 = keys28;
        this.names28 = names28;
        this.keys36 = keys36;
        this.names36 = names36;
    }

    /** The bundled registry; the first call loads it (about 46k entries). */
    public static OuiRegistry get() {
        return Holder.INSTANCE;
    }

    /**
     * Vendor (IEEE organization name) of the block holding {@code mac} (low 48 bits), longest prefix first.
     * Null for {@link Mac#NONE}, group and locally administered addresses (no vendor meaning), and for
     * unassigned or 'Private' blocks.
     */
    public String vendor(long mac) {
        if ((mac & 0xFFFF_0000_0000_0000L) != 0) return null; // includes Mac.NONE
        if (((mac >>> 40) & 0x03) != 0) return null; // bit 0x01 group, 0x02 locally administered
        int i = Arrays.binarySearch(keys36, mac >>> 12);
        if (i >= 0) return names36[i];
        i = Arrays.binarySearch(keys28, mac >>> 20);
        if (i >= 0) return names28[i];
        i = Arrays.binarySearch(keys24, mac >>> 24);
        return i >= 0 ? names24[i] : null;
    }

    /** Registry date and source, e.g. "2022-08-27 (IEEE registry via Debian ieee-data 20220827.1)". */
    public String sourceDate() {
        return sourceDate;
    }

    /** Number of assignments held (all three sizes). */
    public int size() {
        return keys24.length + keys28.length + keys36.length;
    }

    private static OuiRegistry loadResource() {
        // A missing or corrupt bundled resource is a packaging bug: fail loudly rather than report no vendors.
        try (InputStream raw = OuiRegistry.class.getResourceAsStream(RESOURCE)) {
            if (raw == null) throw new IllegalStateException("missing resource " + RESOURCE);
            return parse(new BufferedReader(new InputStreamReader(new GZIPInputStream(raw, 1 << 16),
                    StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /** Parses the table format: '# source date' line, then 'HEXPREFIX TAB vendor' (6, 7 or 9 hex digits). */
    static OuiRegistry parse(BufferedReader in) throws IOException {
        String source = null;
        Table t24 = new Table(), t28 = new Table(), t36 = new Table();
        Map<String, String> interned = new HashMap<>(); // one String per vendor (Apple holds ~1000 blocks)
        String line;
        int lineNo = 0;
        while ((line = in.readLine()) != null) {
            lineNo++;
            if (line.isEmpty()) continue;
            if (line.charAt(0) == '#') {
                if (source == null) source = line.substring(1).trim();
                continue;
            }
            int tab = line.indexOf('\t');
            if (tab <= 0 || tab == line.length() - 1) throw bad(lineNo, line);
            long key;
            try {
                key = Long.parseLong(line, 0, tab, 16);
            } catch (NumberFormatException e) {
                throw bad(lineNo, line);
            }
            String name = interned.computeIfAbsent(line.substring(tab + 1), n -> n);
            switch (tab) {
                case 6 -> t24.add(key, name);
                case 7 -> t28.add(key, name);
                case 9 -> t36.add(key, name);
                default -> throw bad(lineNo, line);
            }
        }
        return new OuiRegistry(source == null ? "unknown" : source,
                t24.sortedKeys(), t24.sortedNames(), t28.sortedKeys(), t28.sortedNames(),
                t36.sortedKeys(), t36.sortedNames());
    }

    private static IllegalStateException bad(int lineNo, String line) {
        return new IllegalStateException("bad OUI table line " + lineNo + ": " + line);
    }

    /** Growable parallel arrays; sorted (and checked for duplicates) once at the end of the load. */
    private static final class Table {
        long[] keys = new long[1024];
        String[] names = new String[1024];
        int n;

        void add(long key, String name) {
            if (n == keys.length) {
                keys = Arrays.copyOf(keys, n * 2);
                names = Arrays.copyOf(names, n * 2);
            }
            keys[n] = key;
            names[n++] = name;
        }

        private boolean isSorted() {
            for (int i = 1; i < n; i++) if (keys[i - 1] >= keys[i]) return false;
            return true;
        }

        private void sort() {
            if (isSorted()) return; // the generated file is already sorted; this is for hand-made tables
            Integer[] idx = new Integer[n];
            for (int i = 0; i < n; i++) idx[i] = i;
            Arrays.sort(idx, (a, b) -> Long.compare(keys[a], keys[b]));
            long[] k = new long[n];
            String[] s = new String[n];
            for (int i = 0; i < n; i++) {
                k[i] = keys[idx[i]];
                s[i] = names[idx[i]];
            }
            keys = k;
            names = s;
            if (!isSorted()) throw new IllegalStateException("duplicate OUI prefix in table");
        }

        long[] sortedKeys() {
            sort();
            return Arrays.copyOf(keys, n);
        }

        String[] sortedNames() {
            sort();
            return Arrays.copyOf(names, n);
        }
    }
}
