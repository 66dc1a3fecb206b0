package dev.goroscope.gobinary.stack;

import java.util.Arrays;

/**
 * A bounded open-addressing {@code long → long} map for hot per-PC look-ups: no boxing, and
 * when it fills it is emptied rather than grown (callers recompute), so memory stays fixed.
 * Key {@link Long#MIN_VALUE} is reserved.
 */
final class LongLongCache {

  private static final long EMPTY = Long.MIN_VALUE;
  private final long[] keys;
  private final long[] values;
  private final int mask;
  private final int limit;
  private int size;

  LongLongCache(int capacityPowerOfTwo) {
    if (Integer.bitCount(capacityPowerOfTwo) != 1) {
      throw new IllegalArgumentException("capacity " + capacityPowerOfTwo);
    }
    keys = new long[capacityPowerOfTwo];
    values = new long[capacityPowerOfTwo];
    Arrays.fill(keys, EMPTY);
    mask = capacityPowerOfTwo - 1;
    limit = capacityPowerOfTwo / 2;
  }

  /** The value of {@code key}, or {@code missing}. */
  long get(long key, long missing) {
    int i = slot(key);
    while (true) {
      long k = keys[i];
      if (k == key) {
        return values[i];
      }
      if (k == EMPTY) {
        return missing;
      }
      i = (i + 1) & mask;
    }
  }

  void put(long key, long value) {
    if (size >= limit) {
      Arrays.fill(keys, EMPTY);
      size = 0;
    }
    int i = slot(key);
    while (keys[i] != EMPTY && keys[i] != key) {
      i = (i + 1) & mask;
    }
    if (keys[i] == EMPTY) {
      size++;
    }
    keys[i] = key;
    values[i] = value;
  }

  void clearAll() {
    Arrays.fill(keys, EMPTY);
    size = 0;
  }

  /** murmur3's finalizer: PCs differ in few low bits; this spreads them over the table. */
  private int slot(long key) {
    long h = key;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return (int) h & mask;
  }
}
