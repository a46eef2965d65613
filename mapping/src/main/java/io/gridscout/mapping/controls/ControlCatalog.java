package io.gridscout.mapping.controls;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The control catalogs shipped as data files beside this class (one per standard, '|' separated, '#' comments;
 * a '# version: X' line gives the file's version). Loaded once; validated by ControlCatalogTest.
 */
public final class ControlCatalog {
    public static final String ISO27019_2024 = "27019:2024";
    public static final String ISO27019_2017 = "27019:2017";
    public static final String IEC62443_3_3 = "62443-3-3";
    public static final String NERC_CIP = "nerc-cip";
    /** Standards in report order; the first two are the ISO editions an operator reports against. */
    public static final List<String> STANDARDS = List.of(ISO27019_2024, ISO27019_2017, IEC62443_3_3, NERC_CIP);
    private static final Map<String, String> FILES = Map.of(ISO27019_2024, "iso27019-2024.txt", ISO27019_2017, "iso27019-2017.txt",
            IEC62443_3_3, "iec62443-3-3.txt", NERC_CIP, "nerc-cip.txt");

    private static volatile ControlCatalog instance;

    private final Map<String, Map<String, Control>> controls = new LinkedHashMap<>();
    private final List<Relation> relations = new ArrayList<>();
    private final Map<String, String> versions = new LinkedHashMap<>();

    private ControlCatalog() {}

    public static ControlCatalog get() {
        ControlCatalog c = instance;
        if (c == null) {
            synchronized (ControlCatalog.class) {
                if (instance == null) instance = load();
                c = instance;
            }
        }
        return c;
    }

    /** Accepts "2024"/"2017" and "iso27019:2024" as shorthands for the two ISO editions. */
    public static String normaliseStandard(String s) {
        if (s == null) return ISO27019_2024;
        String t = s.trim().toLowerCase(java.util.Locale.ROOT).replace("iso/iec ", "").replace("iso", "");
        if (t.endsWith("2024")) return ISO27019_2024;
        if (t.endsWith("2017")) return ISO27019_2017;
        for (String std : STANDARDS) if (std.equals(t)) return std;
        throw new IllegalArgumentException("unknown standard '" + s + "' (use 27019:2024 or 27019:2017)");
    }

    public List<Control> controls(String standard) {
        Map<String, Control> m = controls.get(standard);
        return m == null ? List.of() : List.copyOf(m.values());
    }

    public Control control(String standard, String id) {
        Map<String, Control> m = controls.get(standard);
        return m == null ? null : m.get(id);
    }

    public List<Relation> relations() {
        return Collections.unmodifiableList(relations);
    }

    /** Version of each catalog file, e.g. {27019:2024=2026-11-28.1, ...}. */
    public Map<String, String> versions() {
        return Collections.unmodifiableMap(versions);
    }

    private static ControlCatalog load() {
        ControlCatalog cat = new ControlCatalog();
        for (String std : STANDARDS) {
            Map<String, Control> m = new LinkedHashMap<>();
            cat.controls.put(std, m);
            for (String[] f : readTable(FILES.get(std), cat.versions, std)) {
                if (f.length < 4) throw new IllegalStateException(FILES.get(std) + ": short line " + String.join("|", f));
                Control c = new Control(std, f[0], f[1], Boolean.parseBoolean(f[2]), f[3]);
                if (m.put(c.id(), c) != null) throw new IllegalStateException(FILES.get(std) + ": duplicate id " + c.id());
                if (std.equals(ISO27019_2017) && f.length >= 6) {
                    for (String to : f[4].split(",")) cat.relations.add(new Relation(std, f[0], ISO27019_2024, to.trim(), f[5]));
                }
            }
        }
        return cat;
    }

    /** Reads a '|' table resource of this package: data lines split, comments skipped, version recorded. */
    public static List<String[]> readTable(String resource, Map<String, String> versions, String versionKey) {
        List<String[]> rows = new ArrayList<>();
        try (InputStream in = ControlCatalog.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("missing resource " + resource);
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) continue;
                if (line.startsWith("#")) {
                    int v = line.indexOf("version:");
                    if (v >= 0 && versions != null) versions.put(versionKey, line.substring(v + 8).trim());
                    continue;
                }
                String[] f = line.split("\\|", -1);
                for (int i = 0; i < f.length; i++) f[i] = f[i].trim();
                rows.add(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
        return rows;
    }
}
