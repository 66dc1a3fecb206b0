package dev.goroscope.correlate;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Orders goroutines read from memory so that every parent in the list comes before its
 * children ({@code runtime.allgs} is in no such order: dead g structs are reused for new
 * goroutines). A parent/child loop, which only a torn read could produce, is broken arbitrarily.
 */
final class FoundOrder {

  private FoundOrder() {}

  static <T extends FoundGoroutine> List<T> parentsFirst(List<T> goroutines) {
    Map<Long, T> byGoid = new HashMap<>();
    goroutines.forEach(g -> byGoid.put(g.goid(), g));
    Set<Long> emitted = new HashSet<>();
    List<T> out = new ArrayList<>(goroutines.size());
    ArrayDeque<T> chain = new ArrayDeque<>();
    Set<Long> onChain = new HashSet<>();
    for (T g : goroutines) {
      // Walk up to the oldest ancestor not yet emitted, then emit downwards.
      onChain.clear();
      for (T at = g; at != null && !emitted.contains(at.goid()) && onChain.add(at.goid());
          at = byGoid.get(at.parentGoid())) {
        chain.push(at);
      }
      while (!chain.isEmpty()) {
        T next = chain.pop();
        emitted.add(next.goid());
        out.add(next);
      }
    }
    return out;
  }
}
