package io.gridscout.protocols.fact;

/** Where decoders put what they learned. The inventory builder is the main implementation. */
@FunctionalInterface
public interface FactSink {
    void accept(Fact fact);
}
