package io.gridscout.protocols.util;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** An id -> name table loaded once from a TSV resource ("id<TAB>name", '#' comments). */
public final class IdNames {
    private final Map<Integer, String> names;

    private IdNames(Map<Integer, String> names) { this.names = names; }

    public String name(int id) { return names.get(id); }

    public int size() { return names.size(); }

    /** Loads {@code resource} relative to {@code owner}'s package; a missing resource is a build error. */
    public static IdNames load(Class<?> owner, String resource) {
        Map<Integer, String> m = new HashMap<>();
        try (InputStream in = owner.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("missing resource " + resource);
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isEmpty() || line.charAt(0) == '#') continue;
                int tab = line.indexOf('\t');
                if (tab <= 0) continue;
                m.put(Integer.parseInt(line.substring(0, tab).trim()), line.substring(tab + 1).trim());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new IdNames(Map.copyOf(m));
    }
}
