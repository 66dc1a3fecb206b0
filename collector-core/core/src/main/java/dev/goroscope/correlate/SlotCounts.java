package dev.goroscope.correlate;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-sample sums keyed by a value (a wait reason, a creation site), kept in slots that outlive
 * the sample. Sampled mode counts 100,000 goroutines per sample, nearly all with the key they
 * had last time: a caller that keeps the slot its key got passes it back as a hint and skips
 * the hash lookup ({@link #slot(Object, int)} checks the hint by identity). Keys stay until
 * {@link #MAX_KEYS} are held; then {@link #reset} forgets them all, so old hints fail the check.
 * Not thread-safe.
 */
final class SlotCounts<K> {

  static final int MAX_KEYS = 1 << 16;

  private final Map<K, Integer> slots = new HashMap<>();
  private Object[] keys = new Object[16];
  private long[] sums = new long[16];
  private int size;

  /** The slot of {@code key}, added if new. */
  int slot(K key) {
    Integer s = slots.get(key);
    if (s != null) {
      return s;
    }
    if (size == keys.length) {
      keys = Arrays.copyOf(keys, size * 2);
      sums = Arrays.copyOf(sums, size * 2);
    }
    keys[size] = key;
    slots.put(key, size);
    return size++;
  }

  /** The slot of {@code key}: {@code hint} when it holds that very key, else looked up. */
  int slot(K key, int hint) {
    return hint >= 0 && hint < size && keys[hint] == key ? hint : slot(key);
  }

  void add(int slot, long n) {
    sums[slot] += n;
  }

  /** Zeroes every sum for the next sample; forgets the keys when there are too many. */
  void reset() {
    Arrays.fill(sums, 0, size, 0L);
    if (size >= MAX_KEYS) {
      slots.clear();
      Arrays.fill(keys, 0, size, null);
      size = 0;
    }
  }

  /** The keys whose sum is not zero, with their sums, in the order the keys first came. */
  @SuppressWarnings("unchecked")
  Map<K, Long> nonZero() {
    Map<K, Long> out = new LinkedHashMap<>();
    for (int i = 0; i < size; i++) {
      if (sums[i] != 0) {
        out.put((K) keys[i], sums[i]);
      }
    }
    return out;
  }

  /** {@link #nonZero} with int values (counts). */
  @SuppressWarnings("unchecked")
  Map<K, Integer> nonZeroCounts() {
    Map<K, Integer> out = new LinkedHashMap<>();
    for (int i = 0; i < size; i++) {
      if (sums[i] != 0) {
        out.put((K) keys[i], (int) sums[i]);
      }
    }
    return out;
  }
}
