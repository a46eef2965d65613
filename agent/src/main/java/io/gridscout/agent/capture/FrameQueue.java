package io.gridscout.agent.capture;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bounded hand-over from capture threads to the one pipeline thread. A full queue drops the newest
 * frame (the capture thread must never block libpcap's ring) and counts it.
 */
public final class FrameQueue {
    private final ArrayBlockingQueue<Frame> queue;
    private final AtomicLong dropped = new AtomicLong();

    public FrameQueue(int capacity) {
        this.queue = new ArrayBlockingQueue<>(capacity);
    }

    public void offer(Frame f) {
        if (!queue.offer(f)) dropped.incrementAndGet();
    }

    /** Next frame, or null after {@code millis} without one. */
    public Frame poll(long millis) throws InterruptedException {
        return queue.poll(millis, TimeUnit.MILLISECONDS);
    }

    public long dropped() {
        return dropped.get();
    }

    public int size() {
        return queue.size();
    }
}
