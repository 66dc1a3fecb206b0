package dev.goroscope.record;

import java.util.Objects;

/**
 * A channel as read from the target's memory at one sample.
 *
 * @param address its address ({@code 0x…} when written; an identity only while it lives)
 * @param elemType its element type as Go names it, "" when unknown
 * @param capacity {@code cap(ch)}, 0 unbuffered
 * @param length {@code len(ch)}
 * @param closed whether it was closed
 * @param waitingSenders goroutines of the sample queued to send
 * @param waitingReceivers goroutines of the sample queued to receive
 */
public record ChannelInfo(long address, String elemType, long capacity, long length,
    boolean closed, int waitingSenders, int waitingReceivers) {

  public ChannelInfo {
    Objects.requireNonNull(elemType, "elemType");
  }
}
