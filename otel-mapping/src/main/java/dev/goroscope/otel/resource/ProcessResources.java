package dev.goroscope.otel.resource;

import dev.goroscope.record.ProcessInfo;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.resources.Resource;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Builds the OpenTelemetry {@link Resource} describing a traced Go process (not the sidecar).
 *
 * <p>Precedence, lowest first: {@code OTEL_RESOURCE_ATTRIBUTES}; then the detected
 * {@code process.*}, {@code host.name} and {@code process.runtime.*} of the target; then the
 * service name, chosen as: the configured name (CLI), else {@code OTEL_SERVICE_NAME}, else a
 * {@code service.name} in {@code OTEL_RESOURCE_ATTRIBUTES}, else the target's executable name.
 * The SDK's default resource is deliberately not merged: its {@code telemetry.sdk.language=java}
 * would describe goroscope, not the Go program.
 */
public final class ProcessResources {

  public static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
  public static final AttributeKey<Long> PROCESS_PID = AttributeKey.longKey("process.pid");
  public static final AttributeKey<String> PROCESS_EXECUTABLE_NAME =
      AttributeKey.stringKey("process.executable.name");
  public static final AttributeKey<String> PROCESS_EXECUTABLE_PATH =
      AttributeKey.stringKey("process.executable.path");
  public static final AttributeKey<String> PROCESS_RUNTIME_NAME =
      AttributeKey.stringKey("process.runtime.name");
  public static final AttributeKey<String> PROCESS_RUNTIME_VERSION =
      AttributeKey.stringKey("process.runtime.version");
  public static final AttributeKey<String> HOST_NAME = AttributeKey.stringKey("host.name");
  /** Not a semantic convention: the Go main module path, when the binary records one. */
  public static final AttributeKey<String> GO_MODULE_PATH =
      AttributeKey.stringKey("goroscope.go.module.path");

  private final String configuredServiceName;
  private final Map<String, String> env;
  private final String hostName;

  private ProcessResources(String configuredServiceName, Map<String, String> env, String host) {
    this.configuredServiceName = configuredServiceName;
    this.env = env;
    this.hostName = host;
  }

  /**
   * @param configuredServiceName the service name from the command line, or null/empty for none
   * @param env the environment to read {@code OTEL_*} from (normally {@code System.getenv()})
   * @param hostName the host name, or null to detect it
   */
  public static ProcessResources create(
      String configuredServiceName, Map<String, String> env, String hostName) {
    Objects.requireNonNull(env, "env");
    return new ProcessResources(
        configuredServiceName, Map.copyOf(env), hostName != null ? hostName : detectHostName());
  }

  /** Reads the environment of this JVM and detects the host name. */
  public static ProcessResources fromEnvironment(String configuredServiceName) {
    return create(configuredServiceName, System.getenv(), null);
  }

  /** The resource of one traced process. */
  public Resource forProcess(ProcessInfo process) {
    Map<String, String> fromEnv = KeyValueList.parse(env.get("OTEL_RESOURCE_ATTRIBUTES"));
    AttributesBuilder b = Attributes.builder();
    fromEnv.forEach(b::put);
    b.put(PROCESS_PID, (long) process.pid());
    if (!process.executablePath().isEmpty()) {
      b.put(PROCESS_EXECUTABLE_NAME, process.executableName());
      b.put(PROCESS_EXECUTABLE_PATH, process.executablePath());
    }
    b.put(PROCESS_RUNTIME_NAME, "go");
    if (!process.goVersion().isEmpty()) {
      b.put(PROCESS_RUNTIME_VERSION, process.goVersion());
    }
    if (!process.modulePath().isEmpty()) {
      b.put(GO_MODULE_PATH, process.modulePath());
    }
    if (!hostName.isEmpty()) {
      b.put(HOST_NAME, hostName);
    }
    b.put(SERVICE_NAME, serviceName(process, fromEnv));
    return Resource.create(b.build());
  }

  /**
   * A resource for data not tied to one process (goroscope's metrics): service name, host,
   * runtime name and {@code OTEL_RESOURCE_ATTRIBUTES}, without {@code process.pid}.
   *
   * @param executablePath the target executable when known (names the service), else empty
   */
  public Resource forService(String executablePath) {
    ProcessInfo p = new ProcessInfo(0, executablePath, "", "");
    Map<String, String> fromEnv = KeyValueList.parse(env.get("OTEL_RESOURCE_ATTRIBUTES"));
    AttributesBuilder b = Attributes.builder();
    fromEnv.forEach(b::put);
    if (!executablePath.isEmpty()) {
      b.put(PROCESS_EXECUTABLE_NAME, p.executableName());
      b.put(PROCESS_EXECUTABLE_PATH, executablePath);
    }
    b.put(PROCESS_RUNTIME_NAME, "go");
    if (!hostName.isEmpty()) {
      b.put(HOST_NAME, hostName);
    }
    b.put(SERVICE_NAME, serviceName(p, fromEnv));
    return Resource.create(b.build());
  }

  /** The service name this configuration gives a process (see the class comment). */
  public String serviceName(ProcessInfo process) {
    return serviceName(process, KeyValueList.parse(env.get("OTEL_RESOURCE_ATTRIBUTES")));
  }

  private String serviceName(ProcessInfo process, Map<String, String> fromEnv) {
    if (configuredServiceName != null && !configuredServiceName.isBlank()) {
      return configuredServiceName;
    }
    String envName = env.get("OTEL_SERVICE_NAME");
    if (envName != null && !envName.isBlank()) {
      return envName.trim();
    }
    String attr = fromEnv.get("service.name");
    if (attr != null && !attr.isBlank()) {
      return attr;
    }
    String exe = process.executableName();
    return exe.isEmpty() ? "unknown_service:go" : exe;
  }

  private static String detectHostName() {
    try {
      String h = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8);
      if (!h.isBlank()) {
        return h.trim();
      }
    } catch (IOException | RuntimeException e) {
      // fall through to the JDK's view
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "";
    }
  }
}
