package io.gridscout.mapping.classify;

import io.gridscout.mapping.inventory.Inventory;

import java.util.List;

/** What the rules see of one asset: the asset itself and the communications it is client or server of. */
record AssetView(Inventory.Asset asset, List<Inventory.Communication> asClient, List<Inventory.Communication> asServer) {
    List<Inventory.Communication> comms(boolean client) {
        return client ? asClient : asServer;
    }
}
