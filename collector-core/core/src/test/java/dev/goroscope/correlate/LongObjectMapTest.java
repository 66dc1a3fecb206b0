package dev.goroscope.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class LongObjectMapTest {

  @Test
  void putGetRemoveIncludingKeyZero() {
    LongObjectMap<String> map = new LongObjectMap<>();
    assertThat(map.put(0, "zero")).isNull();
    assertThat(map.put(7, "seven")).isNull();
    assertThat(map.put(7, "SEVEN")).isEqualTo("seven");
    assertThat(map.get(0)).isEqualTo("zero");
    assertThat(map.get(7)).isEqualTo("SEVEN");
    assertThat(map.get(8)).isNull();
    assertThat(map.size()).isEqualTo(2);
    assertThat(map.remove(0)).isEqualTo("zero");
    assertThat(map.remove(0)).isNull();
    assertThat(map.remove(7)).isEqualTo("SEVEN");
    assertThat(map.isEmpty()).isTrue();
  }

  @Test
  void growsAndShrinksBackWhenEmptied() {
    LongObjectMap<Long> map = new LongObjectMap<>();
    for (long k = 1; k <= 100_000; k++) {
      map.put(k * 16, k); // aligned keys, like heap addresses
    }
    assertThat(map.size()).isEqualTo(100_000);
    assertThat(map.capacity()).isLessThanOrEqualTo(262_144);
    for (long k = 1; k <= 100_000; k++) {
      assertThat(map.get(k * 16)).isEqualTo(k);
    }
    for (long k = 1; k <= 100_000; k++) {
      assertThat(map.remove(k * 16)).isEqualTo(k);
    }
    assertThat(map.capacity()).isLessThanOrEqualTo(64);
  }

  @Property(tries = 200)
  void behavesLikeAHashMap(@ForAll("operations") List<long[]> operations) {
    LongObjectMap<Long> map = new LongObjectMap<>();
    Map<Long, Long> reference = new HashMap<>();
    for (long[] op : operations) {
      long key = op[1];
      switch ((int) op[0]) {
        case 0:
          assertThat(map.put(key, op[2])).isEqualTo(reference.put(key, op[2]));
          break;
        case 1:
          assertThat(map.remove(key)).isEqualTo(reference.remove(key));
          break;
        default:
          assertThat(map.get(key)).isEqualTo(reference.get(key));
      }
      assertThat(map.size()).isEqualTo(reference.size());
    }
    List<Long> values = new ArrayList<>();
    map.forEachValue(values::add);
    assertThat(values).containsExactlyInAnyOrderElementsOf(reference.values());
  }

  @Provide
  Arbitrary<List<long[]>> operations() {
    // A small key range forces collisions, long probe runs and removals inside them.
    Arbitrary<long[]> op = Arbitraries.longs().between(0, 2).flatMap(kind ->
        Arbitraries.longs().between(0, 300).flatMap(key ->
            Arbitraries.longs().map(value -> new long[] {kind, key * 64, value})));
    return op.list().ofMaxSize(2000);
  }
}
