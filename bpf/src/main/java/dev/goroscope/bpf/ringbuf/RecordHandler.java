package dev.goroscope.bpf.ringbuf;

import java.nio.ByteBuffer;

/** Receives ring buffer records in place. */
@FunctionalInterface
public interface RecordHandler {
  /**
   * One record: {@code record.position()} is its first byte, {@code record.limit()} one past
   * its last; little-endian. The buffer is a view into the ring, reused for every record and
   * valid only during this call: copy out what you keep, read with absolute gets (offsets from
   * {@code position()}), do not retain the buffer.
   */
  void onRecord(ByteBuffer record);
}
