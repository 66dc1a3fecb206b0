package dev.goroscope.otel.resource;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.record.ProcessInfo;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.autoconfigure.ResourceConfiguration;
import io.opentelemetry.sdk.autoconfigure.spi.internal.DefaultConfigProperties;
import io.opentelemetry.sdk.resources.Resource;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ProcessResourcesTest {

  static final ProcessInfo P = new ProcessInfo(9, "/opt/bin/api", "go1.27.3", "");

  /** The environment's resource as the SDK reads OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES. */
  static Resource env(Map<String, String> properties) {
    return ResourceConfiguration.createEnvironmentResource(
        DefaultConfigProperties.createFromMap(properties));
  }

  @Test
  void serviceNamePrecedence() {
    Resource env = env(Map.of(
        "otel.service.name", "from-env",
        "otel.resource.attributes", "service.name=from-attrs,process.pid=1,k=v"));
    assertThat(ProcessResources.create("from-cli", env, "h").serviceName(P)).isEqualTo("from-cli");
    assertThat(ProcessResources.create(null, env, "h").serviceName(P)).isEqualTo("from-env");
    assertThat(ProcessResources.create("", env(Map.of("otel.resource.attributes",
        "service.name=from-attrs")), "h").serviceName(P)).isEqualTo("from-attrs");
    assertThat(ProcessResources.create(null, Resource.empty(), "h").serviceName(P))
        .isEqualTo("api");
    assertThat(ProcessResources.create(null, Resource.empty(), "h")
        .serviceName(new ProcessInfo(1, "", "", ""))).isEqualTo("unknown_service:go");

    Resource r = ProcessResources.create(null, env, "h").forProcess(P);
    assertThat(r.getAttribute(ProcessResources.PROCESS_PID)).isEqualTo(9L); // detected wins
    assertThat(r.getAttribute(ProcessResources.SERVICE_NAME)).isEqualTo("from-env");
    assertThat(r.getAttribute(AttributeKey.stringKey("k"))).isEqualTo("v");
    assertThat(r.getAttribute(ProcessResources.GO_MODULE_PATH)).isNull();
    assertThat(r.getAttribute(AttributeKey.stringKey("telemetry.sdk.language")))
        .as("the SDK's own resource describes the sidecar, not the Go program").isNull();
  }

  @Test
  void detectsAHostName() {
    Resource r = ProcessResources.create(null, ProcessResources.environmentResource(), null)
        .forProcess(P);
    assertThat(r.getAttribute(ProcessResources.HOST_NAME)).isNotBlank();
  }

  @Test
  void resourceAttributesArePercentDecodedByTheSdk() {
    Resource r = ProcessResources.create(null,
        env(Map.of("otel.resource.attributes", "team=a%2Cb,b=x%3Dy")), "h").forProcess(P);
    assertThat(r.getAttribute(AttributeKey.stringKey("team"))).isEqualTo("a,b");
    assertThat(r.getAttribute(AttributeKey.stringKey("b"))).isEqualTo("x=y");
  }

  @Test
  void metricsCarryAnInstanceIdOfTheirRunUnlessTheEnvironmentNamesOne() {
    ProcessResources run = ProcessResources.create(null, Resource.empty(), "h");
    String id = run.forService("/opt/bin/api").getAttribute(ProcessResources.SERVICE_INSTANCE_ID);
    assertThat(UUID.fromString(id).version()).as("a random UUID").isEqualTo(4);
    assertThat(run.forService("").getAttribute(ProcessResources.SERVICE_INSTANCE_ID))
        .as("stable within a run").isEqualTo(id);
    assertThat(ProcessResources.create(null, Resource.empty(), "h").forService("/opt/bin/api")
        .getAttribute(ProcessResources.SERVICE_INSTANCE_ID))
        .as("another sidecar watching another instance on the same host").isNotEqualTo(id);

    Resource named = ProcessResources.create(null,
        env(Map.of("otel.resource.attributes", "service.instance.id=api-7")), "h")
        .forService("/opt/bin/api");
    assertThat(named.getAttribute(ProcessResources.SERVICE_INSTANCE_ID)).isEqualTo("api-7");
  }
}
