package dev.goroscope.sample;

import java.util.Arrays;

/** A growable open-addressing {@code long → long} map (no boxing). Key 0 is reserved. */
final class LongLongMap {

  private long[] keys;
  private long[] values;
  private int size;

  LongLongMap(int expected) {
    int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
    keys = new long[cap];
    values = new long[cap];
  }

  int size() {
    return size;
  }

  void clear() {
    Arrays.fill(keys, 0);
    size = 0;
  }

  long get(long key, long missing) {
    int mask = keys.length - 1;
    int i = slot(key, mask);
    while (true) {
      long k = keys[i];
      if (k == key) {
        return values[i];
      }
      if (k == 0) {
        return missing;
      }
      i = (i + 1) & mask;
    }
  }

  boolean containsKey(long key) {
    int mask = keys.length - 1;
    int i = slot(key, mask);
    while (keys[i] != 0) {
      if (keys[i] == key) {
        return true;
      }
      i = (i + 1) & mask;
    }
    return false;
  }

  /** Puts; returns false (and changes nothing) when the key was present. */
  boolean putIfAbsent(long key, long value) {
    if (key == 0) {
      throw new IllegalArgumentException("key 0");
    }
    if ((size + 1) * 2 > keys.length) {
      grow();
    }
    int mask = keys.length - 1;
    int i = slot(key, mask);
    while (keys[i] != 0) {
      if (keys[i] == key) {
        return false;
      }
      i = (i + 1) & mask;
    }
    keys[i] = key;
    values[i] = value;
    size++;
    return true;
  }

  void put(long key, long value) {
    if (!putIfAbsent(key, value)) {
      int mask = keys.length - 1;
      int i = slot(key, mask);
      while (keys[i] != key) {
        i = (i + 1) & mask;
      }
      values[i] = value;
    }
  }

  private void grow() {
    long[] ok = keys;
    long[] ov = values;
    keys = new long[ok.length * 2];
    values = new long[ok.length * 2];
    size = 0;
    for (int i = 0; i < ok.length; i++) {
      if (ok[i] != 0) {
        putIfAbsent(ok[i], ov[i]);
      }
    }
  }

  private static int slot(long key, int mask) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 29)) & mask;
  }
}
