package io.gridscout.mapping.classify;

import java.util.List;

/**
 * The class an asset was given, the combined confidence of the rules that voted for it (1 - Π(1 - c),
 * rounded to 3 decimals) and the ids of those rules, strongest first: the evidence shown in the inventory.
 */
public record Classification(String deviceClass, double confidence, List<String> rules) {
    public static final Classification UNKNOWN = new Classification(DeviceClasses.UNKNOWN, 0.0, List.of());

    public Classification {
        rules = List.copyOf(rules);
    }
}
