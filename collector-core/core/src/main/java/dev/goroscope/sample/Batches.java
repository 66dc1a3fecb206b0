package dev.goroscope.sample;

import dev.goroscope.process.ProcessMemory;
import dev.goroscope.process.ReadBatch;

/** Reads any number of requests through one bounded {@link ReadBatch}, batch after batch. */
final class Batches {

  /** Request {@code k}'s address and length, and what to do once it was read (or not). */
  interface Requests {
    long address(int k);

    int length(int k);

    /** {@code q} is the request's index in {@code b}; {@code b.ok(q)} says whether it arrived. */
    void read(int k, ReadBatch b, int q);
  }

  private Batches() {}

  /** Reads requests {@code [0, count)}: as many per system-call round as the batch holds. */
  static void readAll(ProcessMemory memory, ReadBatch batch, int count, Requests r) {
    int start = 0;
    while (start < count) {
      batch.clear();
      int k = start;
      while (k < count && batch.add(r.address(k), r.length(k)) >= 0) {
        k++;
      }
      memory.read(batch);
      for (int j = start; j < k; j++) {
        r.read(j, batch, j - start);
      }
      start = k;
    }
  }
}
