package dev.goroscope.sample;

import java.util.Objects;

/**
 * One channel a goroutine is blocked on: the channel of a blocked send or receive, or one case
 * of a blocked {@code select}.
 *
 * @param channel the channel
 * @param direction which queue of the channel holds this goroutine
 */
public record ChannelWait(ChannelState channel, Direction direction) {

  /** Which of the channel's wait queues the goroutine's sudog was found in. */
  public enum Direction {
    SEND,
    RECEIVE,
    /** In neither queue when they were walked (it was being woken). */
    UNKNOWN
  }

  public ChannelWait {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(direction, "direction");
  }
}
