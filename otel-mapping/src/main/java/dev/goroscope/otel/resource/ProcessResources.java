package dev.goroscope.otel.resource;

import dev.goroscope.record.ProcessInfo;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.autoconfigure.ResourceConfiguration;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.semconv.ServiceAttributes;
import io.opentelemetry.semconv.incubating.HostIncubatingAttributes;
import io.opentelemetry.semconv.incubating.ProcessIncubatingAttributes;
import io.opentelemetry.semconv.incubating.ServiceIncubatingAttributes;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.UUID;

/**
 * Builds the OpenTelemetry {@link Resource} describing a traced Go process (not the sidecar).
 *
 * <p>Precedence, lowest first: the environment's resource ({@code OTEL_RESOURCE_ATTRIBUTES} and
 * {@code OTEL_SERVICE_NAME}, as the SDK's autoconfigure reads them); then the detected
 * {@code process.*}, {@code host.name} and {@code process.runtime.*} of the target; then the
 * service name, chosen as: the configured name (CLI), else the environment's (OTEL_SERVICE_NAME
 * over a {@code service.name} in OTEL_RESOURCE_ATTRIBUTES), else the target's executable name.
 * The SDK's default resource is deliberately not merged: its {@code telemetry.sdk.language=java}
 * would describe goroscope, not the Go program.
 */
public final class ProcessResources {

  public static final AttributeKey<String> SERVICE_NAME = ServiceAttributes.SERVICE_NAME;
  public static final AttributeKey<String> SERVICE_INSTANCE_ID =
      ServiceIncubatingAttributes.SERVICE_INSTANCE_ID;
  public static final AttributeKey<Long> PROCESS_PID = ProcessIncubatingAttributes.PROCESS_PID;
  public static final AttributeKey<String> PROCESS_EXECUTABLE_NAME =
      ProcessIncubatingAttributes.PROCESS_EXECUTABLE_NAME;
  public static final AttributeKey<String> PROCESS_EXECUTABLE_PATH =
      ProcessIncubatingAttributes.PROCESS_EXECUTABLE_PATH;
  public static final AttributeKey<String> PROCESS_RUNTIME_NAME =
      ProcessIncubatingAttributes.PROCESS_RUNTIME_NAME;
  public static final AttributeKey<String> PROCESS_RUNTIME_VERSION =
      ProcessIncubatingAttributes.PROCESS_RUNTIME_VERSION;
  public static final AttributeKey<String> HOST_NAME = HostIncubatingAttributes.HOST_NAME;
  /** Not a semantic convention: the Go main module path, when the binary records one. */
  public static final AttributeKey<String> GO_MODULE_PATH =
      AttributeKey.stringKey("goroscope.go.module.path");

  private final String configuredServiceName;
  private final Resource environment;
  private final String hostName;
  /** This sidecar run's {@code service.instance.id} when the environment names none. */
  private final String instanceId = UUID.randomUUID().toString();

  private ProcessResources(String configuredServiceName, Resource environment, String host) {
    this.configuredServiceName = configuredServiceName;
    this.environment = environment;
    this.hostName = host;
  }

  /**
   * @param configuredServiceName the service name from the command line, or null/empty for none
   * @param environment the environment's resource (see {@link #environmentResource()})
   * @param hostName the host name, or null to detect it
   */
  public static ProcessResources create(
      String configuredServiceName, Resource environment, String hostName) {
    Objects.requireNonNull(environment, "environment");
    return new ProcessResources(
        configuredServiceName, environment, hostName != null ? hostName : detectHostName());
  }

  /**
   * The resource {@code OTEL_RESOURCE_ATTRIBUTES} and {@code OTEL_SERVICE_NAME} (or their system
   * properties) describe, read by the SDK's autoconfigure.
   */
  public static Resource environmentResource() {
    return ResourceConfiguration.createEnvironmentResource();
  }

  /** The resource of one traced process. */
  public Resource forProcess(ProcessInfo process) {
    AttributesBuilder b = environment.getAttributes().toBuilder();
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
    b.put(SERVICE_NAME, serviceName(process));
    return Resource.create(b.build());
  }

  /**
   * A resource for data not tied to one process (goroscope's metrics): service name, host,
   * runtime name and the environment's attributes, without {@code process.pid}; and a {@code
   * service.instance.id}, the environment's or else a random UUID of this run, as the semantic
   * conventions recommend: without it, two sidecars watching two instances of one service on one
   * host would push cumulative series a backend cannot tell apart.
   *
   * @param executablePath the target executable when known (names the service), else empty
   */
  public Resource forService(String executablePath) {
    ProcessInfo p = new ProcessInfo(0, executablePath, "", "");
    AttributesBuilder b = environment.getAttributes().toBuilder();
    if (!executablePath.isEmpty()) {
      b.put(PROCESS_EXECUTABLE_NAME, p.executableName());
      b.put(PROCESS_EXECUTABLE_PATH, executablePath);
    }
    b.put(PROCESS_RUNTIME_NAME, "go");
    if (!hostName.isEmpty()) {
      b.put(HOST_NAME, hostName);
    }
    b.put(SERVICE_NAME, serviceName(p));
    if (environment.getAttribute(SERVICE_INSTANCE_ID) == null) {
      b.put(SERVICE_INSTANCE_ID, instanceId);
    }
    return Resource.create(b.build());
  }

  /** The service name this configuration gives a process (see the class comment). */
  public String serviceName(ProcessInfo process) {
    if (configuredServiceName != null && !configuredServiceName.isBlank()) {
      return configuredServiceName;
    }
    String fromEnv = environment.getAttribute(SERVICE_NAME);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv.trim();
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
