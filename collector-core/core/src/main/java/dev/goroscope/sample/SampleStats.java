package dev.goroscope.sample;

/**
 * How one sample went.
 *
 * @param allgs entries of {@code runtime.allgs} (live and dead g structs)
 * @param goroutines goroutines reported
 * @param dead g structs skipped because dead or idle (kept by the runtime for reuse)
 * @param unreadable g structs whose memory could not be read
 * @param tornRetries re-reads of goroutines that changed while being read
 * @param tornDropped goroutines left out of the sample because they kept changing (or read as
 *     impossible values); never reported half-read
 * @param stacksTruncated stacks cut by the frame or memory limit
 * @param channelsInconsistent channel waits left out because the sudog or channel changed
 *     while read
 * @param systemCalls read system calls made ({@code process_vm_readv} or {@code pread})
 * @param bytesRead bytes copied from the target
 * @param method how memory was read: {@code process_vm_readv} or {@code /proc/PID/mem}
 */
public record SampleStats(
    long allgs,
    int goroutines,
    int dead,
    int unreadable,
    int tornRetries,
    int tornDropped,
    int stacksTruncated,
    int channelsInconsistent,
    long systemCalls,
    long bytesRead,
    String method) {}
