package io.gridscout.agent.fleet;

import io.gridscout.agent.evidence.RegisterReader;
import io.gridscout.agent.evidence.SiteYaml;
import io.gridscout.mapping.register.RegisterEntry;
import io.gridscout.mapping.site.SiteContext;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The hub's per-site configuration: {@code hub --sites DIR} reads {@code DIR/<site>.yaml} (or {@code .yml}), the same
 * site.yaml as {@code analyze/report --site} (zones, writers, flows, {@code register:}), so the hub's evidence pack of a
 * site evaluates its zone rules and reconciles its own register exactly as an offline report on that site's captures.
 * A site without a file gets no zones (the rules that need none still run) and the hub's {@code --register}, if any.
 */
public final class HubSites {
    /** A site's context and its declared register (null: none). */
    public record Setup(SiteContext context, List<RegisterEntry> register) {}

    private final Map<String, Setup> sites;
    private final List<RegisterEntry> fallbackRegister;

    public HubSites(Map<String, Setup> sites, List<RegisterEntry> fallbackRegister) {
        this.sites = Map.copyOf(sites);
        this.fallbackRegister = fallbackRegister;
    }

    public static HubSites none(List<RegisterEntry> register) {
        return new HubSites(Map.of(), register);
    }

    /** Reads every {@code <site>.yaml} of {@code dir}; a bad file fails the whole load (the hub does not start half-configured). */
    public static HubSites load(Path dir, List<RegisterEntry> fallbackRegister) throws IOException {
        Map<String, Setup> out = new TreeMap<>();
        if (dir != null) {
            if (!Files.isDirectory(dir)) throw new IllegalArgumentException("--sites " + dir + ": not a directory");
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.{yaml,yml}")) {
                for (Path f : files) {
                    String name = f.getFileName().toString();
                    String site = FleetRecords.checkSite(name.substring(0, name.lastIndexOf('.')));
                    SiteContext ctx = SiteYaml.read(f);
                    // the file name is the fleet's site key; the YAML's own "site:" stays the report's display name
                    if (ctx.name() == null) ctx = new SiteContext(site, ctx.zones(), ctx.writers(), ctx.jumpHosts(), ctx.interconnections(),
                            ctx.timeSources(), ctx.flows(), ctx.register());
                    List<RegisterEntry> reg = ctx.register() == null ? null : RegisterReader.read(Path.of(ctx.register()));
                    if (out.put(site, new Setup(ctx, reg)) != null) throw new IllegalArgumentException("--sites " + dir + ": site " + site + " twice");
                }
            }
        }
        return new HubSites(out, fallbackRegister);
    }

    /** The site's context; a site without a file is named and has no zones. */
    public SiteContext context(String site) {
        Setup s = sites.get(site);
        return s != null ? s.context() : new SiteContext(site, List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), null);
    }

    /** The site's own register (its YAML's {@code register:}), else the hub's {@code --register} (null: none). */
    public List<RegisterEntry> register(String site) {
        Setup s = site == null ? null : sites.get(site);
        return s != null && s.register() != null ? s.register() : fallbackRegister;
    }

    /** True when {@code site} (or, for null, any configured site) declares {@code zone}. */
    public boolean knowsZone(String site, String zone) {
        if (site != null) return context(site).knowsZone(zone);
        if (SiteContext.EXTERNAL.equals(zone)) return true;
        for (Setup s : sites.values()) if (s.context().knowsZone(zone)) return true;
        return false;
    }

    public int size() {
        return sites.size();
    }
}
