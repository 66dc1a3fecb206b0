package dev.goroscope.correlate;

import java.util.function.Consumer;

/**
 * Open-addressing hash map from a primitive {@code long} to an object, with linear probing and
 * backward-shift deletion. Exists so that the goroutine and context tables cost one slot in two
 * flat arrays per entry instead of a boxed {@code Long} and a {@code HashMap.Node}.
 *
 * <p>Key 0 is used as the empty marker in the arrays and is stored on the side. Not thread-safe.
 */
final class LongObjectMap<V> {

  private static final int MIN_CAPACITY = 16;
  /**
   * Fill limit. Linear probing's misses and backward shifts lengthen quickly above one half;
   * at 0.5 an entry costs 24 to 48 bytes of array, still a fraction of a HashMap entry.
   */
  private static final double MAX_LOAD = 0.5;

  private long[] keys;
  private Object[] values;
  private int mask;
  private int size;
  private int growAt;
  private int shrinkAt;
  private boolean hasZero;
  private V zeroValue;

  LongObjectMap() {
    allocate(MIN_CAPACITY);
  }

  int size() {
    return size + (hasZero ? 1 : 0);
  }

  boolean isEmpty() {
    return size() == 0;
  }

  @SuppressWarnings("unchecked")
  V get(long key) {
    if (key == 0) {
      return hasZero ? zeroValue : null;
    }
    long[] k = keys;
    int m = mask;
    for (int i = slot(key, m); ; i = (i + 1) & m) {
      long found = k[i];
      if (found == key) {
        return (V) values[i];
      }
      if (found == 0) {
        return null;
      }
    }
  }

  /** Associates {@code value} (not null) with {@code key}; returns the previous value or null. */
  @SuppressWarnings("unchecked")
  V put(long key, V value) {
    if (value == null) {
      throw new NullPointerException("value");
    }
    if (key == 0) {
      V old = zeroValue;
      zeroValue = value;
      hasZero = true;
      return old;
    }
    int m = mask;
    for (int i = slot(key, m); ; i = (i + 1) & m) {
      long found = keys[i];
      if (found == key) {
        V old = (V) values[i];
        values[i] = value;
        return old;
      }
      if (found == 0) {
        keys[i] = key;
        values[i] = value;
        if (++size >= growAt) {
          rehash(keys.length * 2);
        }
        return null;
      }
    }
  }

  /** Removes {@code key}; returns the value it had or null. */
  @SuppressWarnings("unchecked")
  V remove(long key) {
    if (key == 0) {
      V old = zeroValue;
      hasZero = false;
      zeroValue = null;
      return old;
    }
    int m = mask;
    for (int i = slot(key, m); ; i = (i + 1) & m) {
      long found = keys[i];
      if (found == 0) {
        return null;
      }
      if (found == key) {
        V old = (V) values[i];
        shiftBack(i);
        size--;
        if (size < shrinkAt) {
          rehash(keys.length / 2);
        }
        return old;
      }
    }
  }

  /** Calls {@code action} for every value; the map must not be modified meanwhile. */
  @SuppressWarnings("unchecked")
  void forEachValue(Consumer<? super V> action) {
    if (hasZero) {
      action.accept(zeroValue);
    }
    for (int i = 0; i < keys.length; i++) {
      if (keys[i] != 0) {
        action.accept((V) values[i]);
      }
    }
  }

  /** Receives a key and its value. */
  interface EntryConsumer<V> {
    void accept(long key, V value);
  }

  /** Calls {@code action} for every entry; the map must not be modified meanwhile. */
  @SuppressWarnings("unchecked")
  void forEachEntry(EntryConsumer<? super V> action) {
    if (hasZero) {
      action.accept(0, zeroValue);
    }
    for (int i = 0; i < keys.length; i++) {
      if (keys[i] != 0) {
        action.accept(keys[i], (V) values[i]);
      }
    }
  }

  void clear() {
    allocate(MIN_CAPACITY);
    size = 0;
    hasZero = false;
    zeroValue = null;
  }

  /** Slots in the arrays, for tests of the growth policy. */
  int capacity() {
    return keys.length;
  }

  /** Closes the gap at {@code hole} by moving later entries of the same probe run back. */
  private void shiftBack(int hole) {
    long[] k = keys;
    Object[] v = values;
    int m = mask;
    int i = hole;
    while (true) {
      i = (i + 1) & m;
      long key = k[i];
      if (key == 0) {
        break;
      }
      int home = slot(key, m);
      // The entry at i may move to the hole if its home is not cyclically inside (hole, i].
      if (((i - home) & m) >= ((i - hole) & m)) {
        k[hole] = key;
        v[hole] = v[i];
        hole = i;
      }
    }
    k[hole] = 0;
    v[hole] = null;
  }

  private void rehash(int newCapacity) {
    long[] oldKeys = keys;
    Object[] oldValues = values;
    allocate(Math.max(MIN_CAPACITY, newCapacity));
    int m = mask;
    for (int j = 0; j < oldKeys.length; j++) {
      long key = oldKeys[j];
      if (key != 0) {
        int i = slot(key, m);
        while (keys[i] != 0) {
          i = (i + 1) & m;
        }
        keys[i] = key;
        values[i] = oldValues[j];
      }
    }
  }

  private void allocate(int capacity) {
    keys = new long[capacity];
    values = new Object[capacity];
    mask = capacity - 1;
    growAt = (int) (capacity * MAX_LOAD);
    // Shrink below a quarter of the grow limit, so that shrinking leaves the table ~35% full.
    shrinkAt = capacity > MIN_CAPACITY ? growAt / 4 : -1;
  }

  /** Fibonacci hashing: goids and heap addresses are dense or aligned, so mix before masking. */
  private static int slot(long key, int mask) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32)) & mask;
  }

  @Override
  public String toString() {
    return "LongObjectMap{size=" + size() + ", capacity=" + keys.length + "}";
  }
}
