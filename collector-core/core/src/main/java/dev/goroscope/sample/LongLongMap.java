package dev.goroscope.sample;

import java.util.Arrays;

/**
 * A growable open-addressing {@code long → long} map (no boxing; key and value side by side,
 * so a look-up touches one cache line). Key 0 is reserved.
 */
final class LongLongMap {

  private long[] slots; // key, value, key, value …
  private int mask; // over entries
  private int size;

  LongLongMap(int expected) {
    int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
    slots = new long[cap * 2];
    mask = cap - 1;
  }

  int size() {
    return size;
  }

  void clear() {
    Arrays.fill(slots, 0);
    size = 0;
  }

  long get(long key, long missing) {
    int i = slot(key, mask);
    while (true) {
      long k = slots[2 * i];
      if (k == key) {
        return slots[2 * i + 1];
      }
      if (k == 0) {
        return missing;
      }
      i = (i + 1) & mask;
    }
  }

  boolean containsKey(long key) {
    int i = slot(key, mask);
    while (true) {
      long k = slots[2 * i];
      if (k == key) {
        return true;
      }
      if (k == 0) {
        return false;
      }
      i = (i + 1) & mask;
    }
  }

  /** Puts; returns false (and changes nothing) when the key was present. */
  boolean putIfAbsent(long key, long value) {
    return put(key, value, false);
  }

  void put(long key, long value) {
    put(key, value, true);
  }

  private boolean put(long key, long value, boolean replace) {
    if (key == 0) {
      throw new IllegalArgumentException("key 0");
    }
    if ((size + 1) * 2 > mask + 1) {
      grow();
    }
    int i = slot(key, mask);
    while (true) {
      long k = slots[2 * i];
      if (k == key) {
        if (replace) {
          slots[2 * i + 1] = value;
        }
        return false;
      }
      if (k == 0) {
        slots[2 * i] = key;
        slots[2 * i + 1] = value;
        size++;
        return true;
      }
      i = (i + 1) & mask;
    }
  }

  /** The keys, in table order. */
  long[] keys() {
    long[] out = new long[size];
    int n = 0;
    for (int i = 0; i < slots.length; i += 2) {
      if (slots[i] != 0) {
        out[n++] = slots[i];
      }
    }
    return out;
  }

  private void grow() {
    long[] old = slots;
    slots = new long[old.length * 2];
    mask = (mask << 1) | 1;
    size = 0;
    for (int i = 0; i < old.length; i += 2) {
      if (old[i] != 0) {
        put(old[i], old[i + 1], false);
      }
    }
  }

  /** murmur3's finalizer: addresses differ in few, low-ish bits; this spreads them all. */
  private static int slot(long key, int mask) {
    long h = key;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return (int) h & mask;
  }
}
