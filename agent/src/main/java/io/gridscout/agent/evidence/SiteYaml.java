package io.gridscout.agent.evidence;

import io.gridscout.mapping.site.Cidr;
import io.gridscout.mapping.site.SiteContext;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.IOException;
import java.io.StringReader;
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
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Object root;
        try {
            root = new Yaml(new SafeConstructor(opts)).load(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + ": not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null) return SiteContext.empty();
        if (!(root instanceof Map<?, ?> m)) throw new IllegalArgumentException(file + ": expected a mapping at the top");
        Where where = new Where(file, text, opts);
        List<SiteContext.Zone> zones = new ArrayList<>();
        List<?> zoneList = list(m, "zones");
        for (int i = 0; i < zoneList.size(); i++) {
            if (!(zoneList.get(i) instanceof Map<?, ?> zm)) throw new IllegalArgumentException(where.at("zones", i) + "zones: each zone is a mapping");
            String name = str(zm, "name");
            if (name == null) throw new IllegalArgumentException(where.at("zones", i) + "zones: a zone has no name");
            String kind = str(zm, "kind");
            List<Cidr> cidrs = new ArrayList<>(cidrs(zm, "cidrs", where, "zones", i, "cidrs"));
            if (str(zm, "cidr") != null) cidrs.add(cidr(str(zm, "cidr"), where, "zones", i, "cidr"));
            try {
                zones.add(new SiteContext.Zone(name, kind == null ? "field" : kind, cidrs));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where.at("zones", i) + e.getMessage());
            }
        }
        List<SiteContext.FlowRule> flows = new ArrayList<>();
        List<?> flowList = list(m, "flows");
        for (int i = 0; i < flowList.size(); i++) {
            if (!(flowList.get(i) instanceof Map<?, ?> fm)) throw new IllegalArgumentException(where.at("flows", i) + "flows: each flow is a mapping");
            String port = str(fm, "port");
            int p;
            try {
                p = port == null ? 0 : Integer.parseInt(port);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where.at("flows", i, "port") + "flows: bad port " + port);
            }
            String from = orStar(str(fm, "from")), to = orStar(str(fm, "to"));
            flowEnd(from, zones, where, "flows", i, "from");
            flowEnd(to, zones, where, "flows", i, "to");
            flows.add(new SiteContext.FlowRule(from, to, orStar(str(fm, "protocol")), p));
        }
        String register = str(m, "register");
        if (register != null) {
            Path p = Path.of(register);
            if (!p.isAbsolute() && file.toAbsolutePath().getParent() != null) p = file.toAbsolutePath().getParent().resolve(p);
            register = p.toString();
        }
        return new SiteContext(str(m, "site"), zones, cidrs(m, "writers", where, "writers"), cidrs(m, "jumpHosts", where, "jumpHosts"),
                cidrs(m, "interconnections", where, "interconnections"), cidrs(m, "timeSources", where, "timeSources"), flows, register,
                cidrs(m, "monitoring", where, "monitoring"), cidrs(m, "interControlCentre", where, "interControlCentre"));
    }

    /**
     * A flow end is "*", a zone name or an address/CIDR. One that looks like an address (has '.' or ':') but is
     * neither a zone nor a literal, say a host name, is an error here: it would never match, and is never resolved.
     */
    private static void flowEnd(String spec, List<SiteContext.Zone> zones, Where where, Object... path) {
        if (spec.equals("*") || (spec.indexOf('.') < 0 && spec.indexOf(':') < 0)) return;
        for (SiteContext.Zone z : zones) if (z.name().equals(spec)) return;
        try {
            Cidr.parse(spec);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where.at(path) + "flows: " + path[path.length - 1] + " '" + spec
                    + "' is not a zone, an address or a CIDR (names are not resolved)");
        }
    }

    private static Cidr cidr(String text, Where where, Object... path) {
        try {
            return Cidr.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where.at(path) + path[0] + ": " + e.getMessage());
        }
    }

    /**
     * "FILE:LINE: " of a value, found by its path (keys and list indexes) in the document's node tree; composed
     * only for an error message, so valid files are parsed once.
     */
    private record Where(Path file, String text, LoaderOptions opts) {
        String at(Object... path) {
            Node n;
            try {
                n = new Yaml(new SafeConstructor(opts)).compose(new StringReader(text));
            } catch (RuntimeException e) {
                return file + ": ";
            }
            int line = n == null ? -1 : n.getStartMark().getLine();
            for (Object step : path) {
                Node next = null;
                if (n instanceof MappingNode mn && step instanceof String key) {
                    for (NodeTuple t : mn.getValue()) {
                        if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) next = t.getValueNode();
                    }
                } else if (n instanceof SequenceNode sn && step instanceof Integer i && i < sn.getValue().size()) {
                    next = sn.getValue().get(i);
                }
                if (next == null) break;       // a single value where a list may be (writers: 10.0.0.1) stays that value
                n = next;
                line = n.getStartMark().getLine();
            }
            return line < 0 ? file + ": " : file + ":" + (line + 1) + ": ";
        }
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

    private static List<Cidr> cidrs(Map<?, ?> m, String key, Where where, Object... path) {
        List<Cidr> out = new ArrayList<>();
        List<?> l = list(m, key);
        for (int i = 0; i < l.size(); i++) {
            Object[] at = java.util.Arrays.copyOf(path, path.length + 1);
            at[path.length] = i;
            out.add(cidr(String.valueOf(l.get(i)), where, at));
        }
        return out;
    }
}
