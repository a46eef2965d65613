package io.gridscout.mapping.classify;

import io.gridscout.mapping.inventory.Inventory;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Device classes from decoded behaviour, never from ports: rules (data, see {@code rules.txt} beside this class)
 * test an asset's services, attributes, service details and the operations it issues or receives. Per class the
 * confidences of the rules that fired combine as 1 - Π(1 - c); the highest class wins, ties go to the class
 * earlier in {@link DeviceClasses#PRIORITY}; no rule fired means {@code unknown} with confidence 0.
 */
public final class Classifier {
    static final String BUILT_IN = "rules.txt";
    private static volatile Classifier builtIn;

    private final List<Rule> rules;

    Classifier(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** The rules shipped with gridscout. */
    public static Classifier builtIn() {
        Classifier c = builtIn;
        if (c == null) {
            try {
                c = new Classifier(builtInRules());
            } catch (IOException e) {
                throw new UncheckedIOException("built-in classification rules", e);
            }
            builtIn = c;
        }
        return c;
    }

    /**
     * The built-in rules plus an operator's file: a rule with the id of a built-in rule replaces it (confidence 0
     * switches it off), other rules are added. Throws {@link RuleFileException} naming the line of any error.
     */
    public static Classifier load(Path extraRules) throws IOException {
        List<Rule> extra;
        try (var in = Files.newBufferedReader(extraRules, StandardCharsets.UTF_8)) {
            extra = RuleParser.parse(extraRules.toString(), in);
        }
        return builtIn().with(extra);
    }

    /** These rules with {@code extra} layered on top (same id replaces). */
    Classifier with(List<Rule> extra) {
        Map<String, Rule> byId = new LinkedHashMap<>();
        for (Rule r : rules) byId.put(r.id(), r);
        for (Rule r : extra) byId.put(r.id(), r);
        return new Classifier(new ArrayList<>(byId.values()));
    }

    static List<Rule> builtInRules() throws IOException {
        try (InputStream in = Classifier.class.getResourceAsStream(BUILT_IN)) {
            if (in == null) throw new IOException("missing resource " + BUILT_IN);
            return RuleParser.parse("built-in " + BUILT_IN, new InputStreamReader(in, StandardCharsets.UTF_8));
        }
    }

    public List<Rule> rules() {
        return rules;
    }

    /** Classifies every asset; communications are indexed once so this stays linear in the inventory size. */
    public Map<String, Classification> classifyAll(List<Inventory.Asset> assets, List<Inventory.Communication> comms) {
        Map<String, List<Inventory.Communication>> byClient = new HashMap<>(), byServer = new HashMap<>();
        for (Inventory.Communication c : comms) {
            byClient.computeIfAbsent(c.client(), k -> new ArrayList<>()).add(c);
            byServer.computeIfAbsent(c.server(), k -> new ArrayList<>()).add(c);
        }
        Map<String, Classification> out = new HashMap<>(assets.size() * 2);
        for (Inventory.Asset a : assets) {
            out.put(a.id(), classify(new AssetView(a, byClient.getOrDefault(a.id(), List.of()),
                    byServer.getOrDefault(a.id(), List.of()))));
        }
        return out;
    }

    public Classification classify(Inventory.Asset a, List<Inventory.Communication> comms) {
        List<Inventory.Communication> asClient = new ArrayList<>(), asServer = new ArrayList<>();
        for (Inventory.Communication c : comms) {
            if (c.client().equals(a.id())) asClient.add(c);
            if (c.server().equals(a.id())) asServer.add(c);
        }
        return classify(new AssetView(a, asClient, asServer));
    }

    private Classification classify(AssetView a) {
        Map<String, List<Rule>> fired = new LinkedHashMap<>();
        for (Rule r : rules) if (r.fires(a)) fired.computeIfAbsent(r.deviceClass(), k -> new ArrayList<>()).add(r);
        if (fired.isEmpty()) return Classification.UNKNOWN;
        String best = null;
        double bestConf = -1;
        for (Map.Entry<String, List<Rule>> e : fired.entrySet()) {
            double miss = 1;
            for (Rule r : e.getValue()) miss *= 1 - r.confidence();
            double conf = Math.round((1 - miss) * 1000) / 1000.0;
            if (conf > bestConf || (conf == bestConf && DeviceClasses.priority(e.getKey()) < DeviceClasses.priority(best))) {
                best = e.getKey();
                bestConf = conf;
            }
        }
        List<Rule> winners = new ArrayList<>(fired.get(best));
        winners.sort(Comparator.comparingDouble(Rule::confidence).reversed().thenComparing(Rule::id));
        List<String> ids = new ArrayList<>(winners.size());
        for (Rule r : winners) ids.add(r.id());
        return new Classification(best, bestConf, ids);
    }
}
