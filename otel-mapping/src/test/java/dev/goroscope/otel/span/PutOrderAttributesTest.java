package dev.goroscope.otel.span;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class PutOrderAttributesTest {

  private static final AttributeKey<Long> GOID = AttributeKey.longKey("goroutine.id");
  private static final AttributeKey<String> FUNCTION = AttributeKey.stringKey("code.function");
  private static final AttributeKey<Boolean> PARTIAL = AttributeKey.booleanKey("goroutine.partial");

  @Test
  void keepsPutOrderOneValuePerKeyAndIgnoresWhatTheSdkIgnores() {
    Attributes a = PutOrderAttributes.builder()
        .put(GOID, 7L)
        .put(FUNCTION, "main.worker")
        .put(AttributeKey.stringKey(""), "no name")
        .put(PARTIAL, null)
        .put(GOID, 8) // the int overload, replacing the first value
        .put(AttributeKey.longKey("goroutine.id"), 9L) // an equal key made elsewhere
        .build();
    List<String> order = new ArrayList<>();
    a.forEach((k, v) -> order.add(k.getKey() + "=" + v));
    assertThat(order).containsExactly("goroutine.id=9", "code.function=main.worker");
    assertThat(a.size()).isEqualTo(2);
    assertThat(a.get(GOID)).isEqualTo(9L);
    assertThat(a.get(PARTIAL)).isNull();
    assertThat(a.asMap()).containsExactly(Map.entry(GOID, 9L), Map.entry(FUNCTION, "main.worker"));
    assertThat(a).isEqualTo(Attributes.of(FUNCTION, "main.worker", GOID, 9L));
    assertThat(a.toBuilder().build()).isEqualTo(Attributes.of(GOID, 9L, FUNCTION, "main.worker"));
    assertThat(PutOrderAttributes.builder().build().isEmpty()).isTrue();
  }

  @Test
  void removesByKeyOrPredicate() {
    Attributes a = PutOrderAttributes.builder()
        .put(GOID, 1L).put(FUNCTION, "f").put(PARTIAL, true)
        .remove(FUNCTION)
        .removeIf(k -> k.getKey().endsWith("partial"))
        .build();
    assertThat(a.asMap()).containsExactly(Map.entry(GOID, 1L));
  }

  /** Any sequence of puts gives the same pairs as the SDK's builder, in put order. */
  @Property(tries = 500)
  void samePairsAsTheSdkBuilder(
      @ForAll @Size(max = 40) List<@IntRange(min = 0, max = 12) Integer> keys,
      @ForAll @Size(max = 40) List<Long> values) {
    AttributesBuilder ours = PutOrderAttributes.builder();
    AttributesBuilder sdk = Attributes.builder();
    for (int i = 0; i < Math.min(keys.size(), values.size()); i++) {
      AttributeKey<Long> k = AttributeKey.longKey("goroutine.k" + keys.get(i));
      ours.put(k, values.get(i));
      sdk.put(k, values.get(i));
    }
    Attributes built = ours.build();
    Attributes expected = sdk.build();
    assertThat(built.asMap()).isEqualTo(expected.asMap());
    assertThat(built).isEqualTo(expected);
    assertThat(built.hashCode()).isEqualTo(built.asMap().hashCode());
  }
}
