package io.gridscout.agent.capture;

/** One captured frame, copied out of libpcap's buffer: link type, bytes as captured, length on the wire, time. */
public record Frame(int linkType, byte[] data, int wireLen, long timeNanos) {}
