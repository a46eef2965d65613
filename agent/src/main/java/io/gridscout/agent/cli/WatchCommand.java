package io.gridscout.agent.cli;

import io.gridscout.agent.capture.CaptureOptions;
import io.gridscout.agent.capture.CaptureUnavailableException;
import io.gridscout.agent.capture.FrameQueue;
import io.gridscout.agent.capture.LiveCapture;
import io.gridscout.agent.daemon.AgentEngine;
import io.gridscout.agent.output.Times;
import io.gridscout.mapping.events.ChangeEvent;
import io.gridscout.mapping.inventory.Inventory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code gridscout watch -i IFACE [--bpf EXPR]}: foreground capture, prints assets and their changes as they appear. */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = "Capture in the foreground and print assets as they appear (nothing is stored). Ctrl-C stops.")
public final class WatchCommand implements Callable<Integer> {
    @Option(names = {"-i", "--interface"}, required = true, paramLabel = "IFACE", description = "capture interface (repeatable)")
    List<String> interfaces;

    @Option(names = "--bpf", paramLabel = "EXPR", description = "BPF capture filter")
    String bpf;

    @Option(names = "--seconds", paramLabel = "N", description = "stop after N seconds (default: run until interrupted)")
    int seconds;

    @Override
    public Integer call() {
        try {
            LiveCapture.requireCapturePrivileges();
        } catch (CaptureUnavailableException e) {
            return AgentCommand.fail(e.getMessage());
        }
        AgentEngine engine;
        try {
            engine = new AgentEngine(AgentEngine.Settings.defaults(), null);
        } catch (SQLException e) {
            return AgentCommand.fail(e.getMessage());   // no store: cannot happen
        }
        PrintStream out = System.out;
        engine.addListener(events -> {
            java.util.Map<String, Inventory.Asset> byId = new java.util.HashMap<>();
            for (Inventory.Asset a : engine.inventory().assets()) byId.put(a.id(), a);
            for (ChangeEvent e : events) print(out, e, byId);
            out.flush();
        });
        FrameQueue queue = new FrameQueue(65_536);
        List<LiveCapture> captures = new ArrayList<>();
        try {
            for (String i : interfaces) captures.add(LiveCapture.start(i, new CaptureOptions(bpf, CaptureOptions.DEFAULT_SNAPLEN, true,
                    CaptureOptions.DEFAULT_BUFFER), queue));
        } catch (CaptureUnavailableException e) {
            captures.forEach(LiveCapture::close);
            return AgentCommand.fail(e.getMessage());
        }
        Thread pipeline = new Thread(() -> engine.run(queue), "pipeline");
        pipeline.start();
        Runnable stop = () -> {
            captures.forEach(LiveCapture::close);
            pipeline.interrupt();
            try {
                pipeline.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        Thread hook = new Thread(stop, "shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        System.err.println("gridscout watch: capturing on " + String.join(",", interfaces) + (bpf != null ? " (" + bpf + ")" : "") + "; Ctrl-C stops");
        try {
            if (seconds > 0) Thread.sleep(seconds * 1000L); else pipeline.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Runtime.getRuntime().removeShutdownHook(hook);
        stop.run();
        for (LiveCapture c : captures) {
            var s = c.stats();
            System.err.println(c.iface() + ": " + c.frames() + " frames" + ", " + s.kernelDrops() + " kernel drops"
                    + (c.failure() != null ? ", failed: " + c.failure() : ""));
        }
        System.err.println("queue drops: " + queue.dropped());
        return 0;
    }

    static void print(PrintStream out, ChangeEvent e, java.util.Map<String, Inventory.Asset> assets) {
        String t = Times.iso(e.time());
        switch (e.type()) {
            case ChangeEvent.NEW_ASSET -> {
                Inventory.Asset a = assets.get(e.assetId());
                out.println(t + " new asset " + e.assetId() + (a == null ? "" : " " + a.deviceClass() + " macs=" + a.macs()
                        + (a.vendor() != null ? " vendor=\"" + a.vendor() + "\"" : "") + (a.model() != null ? " model=\"" + a.model() + "\"" : "")
                        + (a.firmware() != null ? " firmware=\"" + a.firmware() + "\"" : "")));
            }
            case ChangeEvent.ATTRIBUTE_LEARNED -> out.println(t + " " + e.assetId() + " " + e.subject() + "=\"" + e.newValue() + "\"");
            case ChangeEvent.ATTRIBUTE_CHANGED -> out.println(t + " " + e.assetId() + " " + e.subject() + " changed \"" + e.oldValue() + "\" -> \"" + e.newValue() + "\"");
            case ChangeEvent.NEW_SERVICE -> out.println(t + " " + e.assetId() + " service " + e.subject());
            case ChangeEvent.NEW_COMMUNICATION -> out.println(t + " communication " + e.subject());
            case ChangeEvent.FIRST_OPERATION -> out.println(t + " first " + e.newValue() + " on " + e.subject());
            case ChangeEvent.NEW_FINDING -> out.println(t + " finding " + e.subject() + " " + e.newValue());
            default -> out.println(t + " " + e.type() + " " + e.assetId() + " " + e.subject());
        }
    }
}
