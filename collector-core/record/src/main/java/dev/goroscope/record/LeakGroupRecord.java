package dev.goroscope.record;

import java.util.List;
import java.util.Objects;

/**
 * A group of blocked goroutines that look leaked, as sampled mode finds them: goroutines of one
 * process created at one site, blocked for one reason, with the same top frames, whose number
 * keeps growing over the leak window or whose members stay blocked past the leak threshold.
 *
 * @param id a stable name of the group ({@code lg-} and 8 hex digits of its key): the same
 *     site, reason and frames give the same id in every run
 * @param pid the process
 * @param creationSite where the {@code go} statement is
 * @param startFunction the members' start function
 * @param waitReason why they are blocked ({@code chan send}, {@code sync.Mutex.Lock}…)
 * @param topFrames the first frames of their stacks (innermost first) as Go's dumps print them
 * @param count members at this sample
 * @param blocked members blocked for at least the leak threshold
 * @param growth how many more members than one leak window ago
 * @param windowNs the leak window
 * @param growing the count rose in each half of the window and never fell back
 * @param oldestBlockedSinceNs when the longest-blocked member blocked (monotonic ns, estimated)
 * @param channel the channel most members wait on (with its state), or null
 * @param channels how many distinct channels the members wait on
 * @param semaphore the semaphore most members wait on, 0 when none
 * @param semaphores how many distinct semaphores the members wait on
 * @param exampleGoids a few members, longest blocked first
 */
public record LeakGroupRecord(
    String id,
    int pid,
    CodeLocation creationSite,
    String startFunction,
    String waitReason,
    List<CodeLocation> topFrames,
    int count,
    int blocked,
    int growth,
    long windowNs,
    boolean growing,
    long oldestBlockedSinceNs,
    ChannelInfo channel,
    int channels,
    long semaphore,
    int semaphores,
    List<Long> exampleGoids) {

  public LeakGroupRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(creationSite, "creationSite");
    Objects.requireNonNull(startFunction, "startFunction");
    Objects.requireNonNull(waitReason, "waitReason");
    topFrames = List.copyOf(topFrames);
    exampleGoids = List.copyOf(exampleGoids);
  }

  /** {@code growing}, {@code blocked} or {@code growing,blocked}: why it is reported. */
  public String reason() {
    return growing && blocked > 0 ? "growing,blocked" : growing ? "growing" : "blocked";
  }

  /** What the members wait on, for people: {@code chan 0x… (main.job) len 3/3, …} or "". */
  public String waitsOn() {
    if (channel != null) {
      StringBuilder s = new StringBuilder("chan ").append(Attr.hex(channel.address()));
      if (!channel.elemType().isEmpty()) {
        s.append(" (").append(channel.elemType()).append(')');
      }
      s.append(" len ").append(channel.length()).append('/').append(channel.capacity());
      if (channel.closed()) {
        s.append(" closed");
      }
      s.append(", ").append(channel.waitingSenders()).append(" senders / ")
          .append(channel.waitingReceivers()).append(" receivers waiting");
      if (channels > 1) {
        s.append(" (").append(channels).append(" channels)");
      }
      return s.toString();
    }
    if (semaphore != 0) {
      return "lock " + Attr.hex(semaphore) + (semaphores > 1 ? " (" + semaphores + " locks)" : "");
    }
    return "";
  }
}
