package io.gridscout.bench;

import java.util.Arrays;

/** {@code java -jar gridscout-bench.jar generate|flood|check|analyze|jmh ...}: one jar for bench/run.sh. */
public final class BenchMain {
    public static void main(String[] args) throws Exception {
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args.length == 0 ? "" : args[0]) {
            case "generate" -> SubstationGenerator.main(rest);
            case "flood" -> FloodGenerator.main(rest);
            case "check" -> InventoryCheck.main(rest);
            case "analyze" -> io.gridscout.agent.cli.Main.main(args);
            case "jmh" -> org.openjdk.jmh.Main.main(rest);
            default -> {
                System.err.println("usage: generate OUT PACKETS [SITES PER_SITE [SEED]] | flood KIND OUT PACKETS | check EXPECTED INVENTORY | analyze ... | jmh [JMH options]");
                System.exit(2);
            }
        }
    }
}
