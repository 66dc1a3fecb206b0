package dev.goroscope.otel.span;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TraceRootPolicyTest {

  @Test
  void defaultsMakeEachHttpConnectionATrace() {
    TraceRootPolicy p = TraceRootPolicy.defaults();
    assertThat(p.isRootFunction("net/http.(*conn).serve")).isTrue();
    assertThat(p.isRootFunction("net/http.(*http2serverConn).serve")).isTrue();
    assertThat(p.isRootFunction("main.worker")).isFalse();
    assertThat(p.isRootFunction("net/http.(*conn).serve.func1")).isFalse();
  }

  @Test
  void exactAndPrefixEntries() {
    TraceRootPolicy p = TraceRootPolicy.of(List.of("main.handle*", " example.com/jobs.run "));
    assertThat(p.isRootFunction("main.handleOrder")).isTrue();
    assertThat(p.isRootFunction("example.com/jobs.run")).isTrue();
    assertThat(p.isRootFunction("example.com/jobs.runAll")).isFalse();
    assertThat(TraceRootPolicy.of(List.of()).isRootFunction("net/http.(*conn).serve")).isFalse();
    assertThatThrownBy(() -> TraceRootPolicy.of(List.of(" "))).hasMessageContaining("empty");
  }
}
