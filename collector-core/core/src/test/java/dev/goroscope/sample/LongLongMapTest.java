package dev.goroscope.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The sampler's primitive map behaves as a HashMap would, growth included. */
class LongLongMapTest {

  @Property(tries = 200)
  void agreesWithHashMap(
      @ForAll @Size(max = 3000) List<@LongRange(min = 1, max = 5000) Long> keys,
      @ForAll @Size(max = 3000) List<Long> values) {
    LongLongMap m = new LongLongMap(4);
    Map<Long, Long> ref = new HashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      long k = keys.get(i) * 112; // sudog-like strides
      long v = i < values.size() ? values.get(i) : i;
      if (i % 3 == 0) {
        assertThat(m.putIfAbsent(k, v)).isEqualTo(!ref.containsKey(k));
        ref.putIfAbsent(k, v);
      } else {
        m.put(k, v);
        ref.put(k, v);
      }
    }
    assertThat(m.size()).isEqualTo(ref.size());
    for (Map.Entry<Long, Long> e : ref.entrySet()) {
      assertThat(m.get(e.getKey(), Long.MIN_VALUE)).isEqualTo(e.getValue());
      assertThat(m.containsKey(e.getKey())).isTrue();
    }
    assertThat(m.get(7, -42)).isEqualTo(-42);
    assertThat(m.keys()).hasSize(ref.size())
        .containsExactlyInAnyOrder(ref.keySet().stream().mapToLong(Long::longValue).toArray());
  }

  @Test
  void zeroIsReserved() {
    assertThatThrownBy(() -> new LongLongMap(4).put(0, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
