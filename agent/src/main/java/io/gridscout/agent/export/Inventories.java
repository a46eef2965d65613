package io.gridscout.agent.export;

import io.gridscout.agent.analyze.CaptureAnalyzer;
import io.gridscout.mapping.classify.Classifier;
import io.gridscout.mapping.inventory.Inventory;
import io.gridscout.mapping.inventory.InventoryBuilder;
import io.gridscout.protocols.flow.FlowTable;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Where an export's inventory comes from: a saved inventory JSON, or captures analysed with default limits. */
public final class Inventories {
    private Inventories() {}

    public static Inventory load(Path inventoryJson, List<Path> captures) throws IOException {
        if (inventoryJson != null) return InventoryJsonReader.read(inventoryJson);
        if (captures == null || captures.isEmpty()) throw new IllegalArgumentException("give --inventory FILE or capture files");
        return analyze(captures);
    }

    public static Inventory analyze(List<Path> captures) throws IOException {
        InventoryBuilder builder = new InventoryBuilder(InventoryBuilder.Limits.defaults(), Classifier.builtIn());
        CaptureAnalyzer analyzer = new CaptureAnalyzer(builder, FlowTable.Limits.defaults());
        for (Path p : captures) analyzer.analyze(p, null);
        return builder.snapshot();
    }
}
