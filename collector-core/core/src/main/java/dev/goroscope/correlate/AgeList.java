package dev.goroscope.correlate;

/**
 * An intrusive doubly linked list, oldest first, for evicting the oldest element at a cap. The
 * links live in the elements themselves ({@link Node}), so tracking a goroutine or a context
 * allocates nothing; every operation is O(1). Not thread-safe (the correlator is one thread).
 */
final class AgeList<T extends AgeList.Node<T>> {

  /** The two links an element carries; null while the element is not in a list. */
  abstract static class Node<T extends Node<T>> {
    T older;
    T newer;
  }

  private T oldest;
  private T newest;
  private int size;

  /** The oldest element, or null when empty; iterate with {@code newer}. */
  T oldest() {
    return oldest;
  }

  int size() {
    return size;
  }

  /** Adds {@code n} as the newest element. */
  void append(T n) {
    n.older = newest;
    n.newer = null;
    if (newest != null) {
      newest.newer = n;
    } else {
      oldest = n;
    }
    newest = n;
    size++;
  }

  /** Removes {@code n}, which must be in this list. */
  void remove(T n) {
    if (n.older != null) {
      n.older.newer = n.newer;
    } else {
      oldest = n.newer;
    }
    if (n.newer != null) {
      n.newer.older = n.older;
    } else {
      newest = n.older;
    }
    n.older = null;
    n.newer = null;
    size--;
  }

  /** Makes {@code n}, which must be in this list, the newest element. */
  void moveToNewest(T n) {
    if (n != newest) {
      remove(n);
      append(n);
    }
  }
}
