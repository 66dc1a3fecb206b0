package dev.goroscope.otel.resource;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.record.ProcessInfo;
import io.opentelemetry.sdk.resources.Resource;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcessResourcesTest {

  static final ProcessInfo P = new ProcessInfo(9, "/opt/bin/api", "go1.27.3", "");

  @Test
  void serviceNamePrecedence() {
    Map<String, String> env = Map.of(
        "OTEL_SERVICE_NAME", "from-env",
        "OTEL_RESOURCE_ATTRIBUTES", "service.name=from-attrs,process.pid=1,k=v");
    assertThat(ProcessResources.create("from-cli", env, "h").serviceName(P)).isEqualTo("from-cli");
    assertThat(ProcessResources.create(null, env, "h").serviceName(P)).isEqualTo("from-env");
    assertThat(ProcessResources.create("", Map.of("OTEL_RESOURCE_ATTRIBUTES",
        "service.name=from-attrs"), "h").serviceName(P)).isEqualTo("from-attrs");
    assertThat(ProcessResources.create(null, Map.of(), "h").serviceName(P)).isEqualTo("api");
    assertThat(ProcessResources.create(null, Map.of(), "h")
        .serviceName(new ProcessInfo(1, "", "", ""))).isEqualTo("unknown_service:go");

    Resource r = ProcessResources.create(null, env, "h").forProcess(P);
    assertThat(r.getAttribute(ProcessResources.PROCESS_PID)).isEqualTo(9L); // detected wins
    assertThat(r.getAttribute(ProcessResources.SERVICE_NAME)).isEqualTo("from-env");
    assertThat(r.getAttribute(io.opentelemetry.api.common.AttributeKey.stringKey("k")))
        .isEqualTo("v");
    assertThat(r.getAttribute(ProcessResources.GO_MODULE_PATH)).isNull();
  }

  @Test
  void detectsAHostName() {
    Resource r = ProcessResources.fromEnvironment(null).forProcess(P);
    assertThat(r.getAttribute(ProcessResources.HOST_NAME)).isNotBlank();
  }

  @Test
  void keyValueListDecodesAndSkipsGarbage() {
    assertThat(KeyValueList.parse(" a = 1 ,b=x%3Dy%2Cz, =bad,novalue,c=1+1,d=%zz"))
        .containsExactly(Map.entry("a", "1"), Map.entry("b", "x=y,z"), Map.entry("c", "1+1"),
            Map.entry("d", "%zz"));
    assertThat(KeyValueList.parse(null)).isEmpty();
  }
}
