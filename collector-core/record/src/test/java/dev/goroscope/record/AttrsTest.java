package dev.goroscope.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class AttrsTest {

  static final Attr<String> S = Attr.string("s", "s");
  static final Attr<Long> L = Attr.integer("l", "l");
  static final Attr<Long> A = Attr.address("a", "a");

  /** The factories used per event give what the builder gives, nulls skipped alike. */
  @Property(tries = 200)
  void factoriesEqualTheBuilder(@ForAll boolean withS, @ForAll boolean withL, @ForAll boolean withA,
      @ForAll String s, @ForAll long l, @ForAll long a) {
    String sv = withS ? s : null;
    Long lv = withL ? l : null;
    Long av = withA ? a : null;
    Attrs built = Attrs.builder().put(S, sv).put(L, lv).put(A, av).build();
    assertThat(Attrs.of(S, sv, L, lv, A, av)).isEqualTo(built);
    assertThat(Attrs.of(S, sv, L, lv)).isEqualTo(Attrs.builder().put(S, sv).put(L, lv).build());
    assertThat(Attrs.of(L, lv)).isEqualTo(Attrs.builder().put(L, lv).build());
    assertThat(built.size()).isEqualTo((withS ? 1 : 0) + (withL ? 1 : 0) + (withA ? 1 : 0));
    assertThat(built.get(L)).isEqualTo(lv);
    assertThat(built.get(A)).isEqualTo(av);
    assertThat(built.get(S)).isEqualTo(sv);
  }

  @Test
  void aKeyGivenTwiceIsAnError() {
    assertThatThrownBy(() -> Attrs.of(L, 1L, L, 2L))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("l given twice");
    assertThat(Attrs.builder().put(L, 1L).put(L, 2L).build().get(L)).isEqualTo(2L);
  }

  @Test
  void addressesAreWrittenAsGoPrintsPointers() {
    assertThat(Attr.hex(0xc000012345L)).isEqualTo("0xc000012345");
    assertThat(A.type()).isEqualTo(Attr.Type.ADDRESS);
  }
}
