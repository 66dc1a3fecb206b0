package dev.goroscope.sample;

/**
 * A channel as read from its {@code runtime.hchan}.
 *
 * @param address the channel's address in the target (an identity only while it lives)
 * @param elemType the element type as Go names it ({@code int}, {@code main.job}, {@code
 *     *http.Request}), or "" when the type is not in the binary (made by reflect at run time)
 * @param elemSize the element size in bytes
 * @param capacity buffer size ({@code dataqsiz}; 0 for unbuffered channels)
 * @param length elements in the buffer ({@code qcount})
 * @param closed whether the channel is closed
 * @param waitingSenders goroutines queued to send ({@code sendq})
 * @param waitingReceivers goroutines queued to receive ({@code recvq})
 * @param queuesComplete false when a wait queue could not be walked to its end (it changed
 *     while read, or exceeded the walk limit): the waiter counts are then lower bounds
 */
public record ChannelState(long address, String elemType, int elemSize, long capacity,
    long length, boolean closed, int waitingSenders, int waitingReceivers,
    boolean queuesComplete) {

  public ChannelState {
    if (elemType == null) {
      throw new NullPointerException("elemType");
    }
  }
}
