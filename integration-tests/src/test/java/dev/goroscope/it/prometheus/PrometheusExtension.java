package dev.goroscope.it.prometheus;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects a {@link PrometheusServer} parameter into test methods, constructors and lifecycle
 * methods: one Prometheus per test class, started on first use and stopped (its data deleted)
 * when the class is done (JUnit closes {@link AutoCloseable} values of its store). Tests that
 * share it tell their series apart by the {@code process_pid} label.
 */
public final class PrometheusExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(PrometheusExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == PrometheusServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return classContext(context).getStore(NAMESPACE).getOrComputeIfAbsent(
        PrometheusServer.class, k -> PrometheusServer.start(), PrometheusServer.class);
  }

  private static ExtensionContext classContext(ExtensionContext context) {
    ExtensionContext c = context;
    while (c.getTestMethod().isPresent() && c.getParent().isPresent()) {
      c = c.getParent().get();
    }
    return c;
  }
}
