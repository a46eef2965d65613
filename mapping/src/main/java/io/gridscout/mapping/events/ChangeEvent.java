package io.gridscout.mapping.events;

/**
 * Something that changed on the network between two inventory snapshots. {@code time} is when it was
 * detected (nanoseconds since the epoch); {@code subject} names what changed (an attribute name, a service
 * "protocol/role/transport/port", a communication "client>server protocol/transport/port");
 * {@code oldValue}/{@code newValue} are null where they do not apply.
 */
public record ChangeEvent(long time, String type, String assetId, String subject, String oldValue, String newValue) {
    public static final String NEW_ASSET = "asset.new";
    public static final String ASSET_SILENT = "asset.silent";
    public static final String ATTRIBUTE_LEARNED = "attribute.learned";
    public static final String ATTRIBUTE_CHANGED = "attribute.changed";
    public static final String NEW_SERVICE = "service.new";
    public static final String NEW_COMMUNICATION = "communication.new";
    public static final String FIRST_OPERATION = "operation.first";
    /** An evidence finding (nonconformity or observation) not in the previous snapshot's findings; subject is the rule id. */
    public static final String NEW_FINDING = "finding.new";
}
