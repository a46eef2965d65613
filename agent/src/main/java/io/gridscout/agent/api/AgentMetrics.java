package io.gridscout.agent.api;

import io.gridscout.agent.capture.FrameQueue;
import io.gridscout.agent.capture.LiveCapture;
import io.gridscout.agent.daemon.AgentEngine;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

/**
 * Prometheus metrics of the agent: packet path counters read from the engine's last published stats,
 * drops by cause (queue, kernel, interface), malformed per protocol, inventory sizes, checkpoint duration, JVM.
 */
public final class AgentMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AgentEngine engine;
    private final Set<String> malformedRegistered = new HashSet<>();
    private final Timer checkpointTimer;

    public AgentMetrics(AgentEngine engine, FrameQueue queue, List<LiveCapture> captures) {
        this.engine = engine;
        counter("gridscout.packets", "frames decoded", AgentEngine.LiveStats::packets);
        counter("gridscout.bytes", "bytes on the wire of decoded frames", AgentEngine.LiveStats::bytes);
        counter("gridscout.malformed.frames", "frames whose L2-L4 headers did not parse", AgentEngine.LiveStats::malformedFrames);
        counter("gridscout.flows.created", "flows created", AgentEngine.LiveStats::flowsCreated);
        counter("gridscout.flows.evictions", "flows evicted because the flow table was full", AgentEngine.LiveStats::flowsEvicted);
        counter("gridscout.flows.expired", "flows closed after idle timeout", AgentEngine.LiveStats::flowsExpired);
        counter("gridscout.tcp.gaps", "TCP gaps (lost segments) seen by reassembly", AgentEngine.LiveStats::tcpGaps);
        counter("gridscout.decoder.errors", "decoder exceptions caught by the last-line guard", AgentEngine.LiveStats::decoderErrors);
        Gauge.builder("gridscout.flows.active", engine, e -> e.stats().activeFlows()).description("flows in the flow table").register(registry);
        Gauge.builder("gridscout.assets", engine, e -> e.stats().assets()).description("assets in the inventory").register(registry);
        Gauge.builder("gridscout.communications", engine, e -> e.stats().communications()).description("communications in the inventory").register(registry);
        if (queue != null) {
            FunctionCounter.builder("gridscout.drops", queue, FrameQueue::dropped).tag("cause", "queue")
                    .description("frames (or events) dropped, by cause").register(registry);
            Gauge.builder("gridscout.queue.frames", queue, FrameQueue::size).description("frames waiting for the pipeline").register(registry);
        }
        FunctionCounter.builder("gridscout.drops", engine, e -> e.stats().fragmentsDropped()).tag("cause", "fragments")
                .description("frames (or events) dropped, by cause").register(registry);
        FunctionCounter.builder("gridscout.drops", engine, AgentEngine::eventsDropped).tag("cause", "events")
                .description("frames (or events) dropped, by cause").register(registry);
        for (LiveCapture c : captures) {
            FunctionCounter.builder("gridscout.drops", c, x -> x.stats().kernelDrops()).tag("cause", "kernel")
                    .tag("interface", c.iface()).description("frames (or events) dropped, by cause").register(registry);
            FunctionCounter.builder("gridscout.drops", c, x -> x.stats().interfaceDrops()).tag("cause", "interface")
                    .tag("interface", c.iface()).description("frames (or events) dropped, by cause").register(registry);
            FunctionCounter.builder("gridscout.captured", c, LiveCapture::frames).tag("interface", c.iface())
                    .description("frames handed over by the capture thread").register(registry);
            FunctionCounter.builder("gridscout.capture.reopened", c, LiveCapture::reopened).tag("interface", c.iface())
                    .description("interface reopened after a failure").register(registry);
            Gauge.builder("gridscout.capture.up", c, x -> x.failure() == null ? 1 : 0).tag("interface", c.iface())
                    .description("1 while the interface captures").register(registry);
        }
        checkpointTimer = Timer.builder("gridscout.checkpoint").description("checkpoint duration").register(registry);
        FunctionCounter.builder("gridscout.checkpoints", engine, AgentEngine::checkpoints).description("completed checkpoints").register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
    }

    private void counter(String name, String description, ToLongFunction<AgentEngine.LiveStats> f) {
        FunctionCounter.builder(name, engine, e -> f.applyAsLong(e.stats())).description(description).register(registry);
    }

    /** Prometheus text exposition; registers per-protocol malformed counters as protocols appear. */
    public synchronized String scrape() {
        for (String proto : engine.stats().malformedByProtocol().keySet()) {
            if (malformedRegistered.add(proto)) {
                FunctionCounter.builder("gridscout.malformed", engine, e -> e.stats().malformedByProtocol().getOrDefault(proto, 0L))
                        .tag("protocol", proto).description("protocol data units that did not parse").register(registry);
            }
        }
        for (long d : engine.drainCheckpointDurations()) checkpointTimer.record(d, TimeUnit.NANOSECONDS);
        return registry.scrape();
    }
}
