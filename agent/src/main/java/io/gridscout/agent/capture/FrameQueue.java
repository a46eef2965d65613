package io.gridscout.agent.capture;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bounded hand-over from capture threads to the one pipeline thread. When it is full the capture thread
 * waits briefly (the kernel ring, 64 MB by default, absorbs the burst meanwhile), then drops the frame and
 * counts it; it never blocks for long, so breakLoop() stays prompt.
 */
public final class FrameQueue {
    private final ArrayBlockingQueue<Frame> queue;
    private final AtomicLong dropped = new AtomicLong();

    public FrameQueue(int capacity) {
        this.queue = new ArrayBlockingQueue<>(capacity);
    }

    public void offer(Frame f) {
        try {
            if (!queue.offer(f) && !queue.offer(f, 20, TimeUnit.MILLISECONDS)) dropped.incrementAndGet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            dropped.incrementAndGet();
        }
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
