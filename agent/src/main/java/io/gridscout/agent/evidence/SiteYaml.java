package io.gridscout.agent.evidence;

import io.gridscout.mapping.site.Cidr;
import io.gridscout.mapping.site.SiteContext;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads the operator's site.yaml (documented in docs/evidence.md) into a {@link SiteContext}. Every key is
 * optional. Safe loading only (no object construction); errors name the key.
 * <pre>
 * site: North substation
 * zones:
 *   - {name: scada, kind: control-centre, cidrs: [10.1.0.0/16]}
 * writers: [10.1.0.5]            # hosts allowed to write, control and program
 * jumpHosts: [10.1.0.9]
 * interconnections: [10.1.0.250]
 * timeSources: [10.1.0.1]
 * monitoring: [10.1.0.30]      # the organisation's syslog/SIEM collectors and IDS sensors
 * interControlCentre: [10.1.0.40, 10.9.0.40]   # control-centre ends of inter-control-centre links (CIP-012)
 * flows:
 *   - {from: scada, to: sub1, protocol: dnp3, port: 20000}
 * register: register.csv         # relative to this file
 * </pre>
 */
public final class SiteYaml {
    private SiteYaml() {}

    public static SiteContext read(Path file) throws IOException {
        LoaderOptions opts = new LoaderOptions();
        opts.setMaxAliasesForCollections(10);
        opts.setAllowDuplicateKeys(false);
        Object root;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            root = new Yaml(new SafeConstructor(opts)).load(r);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + ": not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null) return SiteContext.empty();
        if (!(root instanceof Map<?, ?> m)) throw new IllegalArgumentException(file + ": expected a mapping at the top");
        List<SiteContext.Zone> zones = new ArrayList<>();
        for (Object z : list(m, "zones")) {
            if (!(z instanceof Map<?, ?> zm)) throw new IllegalArgumentException(file + ": zones: each zone is a mapping");
            String name = str(zm, "name");
            if (name == null) throw new IllegalArgumentException(file + ": zones: a zone has no name");
            String kind = str(zm, "kind");
            List<Cidr> cidrs = new ArrayList<>(cidrs(zm, "cidrs", file));
            if (str(zm, "cidr") != null) cidrs.add(Cidr.parse(str(zm, "cidr")));
            try {
                zones.add(new SiteContext.Zone(name, kind == null ? "field" : kind, cidrs));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": " + e.getMessage());
            }
        }
        List<SiteContext.FlowRule> flows = new ArrayList<>();
        for (Object f : list(m, "flows")) {
            if (!(f instanceof Map<?, ?> fm)) throw new IllegalArgumentException(file + ": flows: each flow is a mapping");
            String port = str(fm, "port");
            int p;
            try {
                p = port == null ? 0 : Integer.parseInt(port);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(file + ": flows: bad port " + port);
            }
            flows.add(new SiteContext.FlowRule(orStar(str(fm, "from")), orStar(str(fm, "to")), orStar(str(fm, "protocol")), p));
        }
        String register = str(m, "register");
        if (register != null) {
            Path p = Path.of(register);
            if (!p.isAbsolute() && file.toAbsolutePath().getParent() != null) p = file.toAbsolutePath().getParent().resolve(p);
            register = p.toString();
        }
        return new SiteContext(str(m, "site"), zones, cidrs(m, "writers", file), cidrs(m, "jumpHosts", file),
                cidrs(m, "interconnections", file), cidrs(m, "timeSources", file), flows, register,
                cidrs(m, "monitoring", file), cidrs(m, "interControlCentre", file));
    }

    private static String orStar(String s) {
        return s == null ? "*" : s;
    }

    private static List<?> list(Map<?, ?> m, String key) {
        Object v = m.get(key);
        if (v == null) return List.of();
        if (v instanceof List<?> l) return l;
        return List.of(v);
    }

    private static String str(Map<?, ?> m, String key) {
        Object v = m.get(key);
        return v == null ? null : String.valueOf(v).trim();
    }

    private static List<Cidr> cidrs(Map<?, ?> m, String key, Path file) {
        List<Cidr> out = new ArrayList<>();
        for (Object o : list(m, key)) {
            try {
                out.add(Cidr.parse(String.valueOf(o)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": " + key + ": " + e.getMessage());
            }
        }
        return out;
    }
}
