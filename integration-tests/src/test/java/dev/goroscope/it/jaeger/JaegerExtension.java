package dev.goroscope.it.jaeger;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects a {@link JaegerServer} parameter into test methods, constructors and lifecycle methods:
 * one Jaeger per test class, started on first use and stopped when the class is done (JUnit
 * closes {@link AutoCloseable} values of its store). Tests that stop or restart Jaeger should start
 * their own with {@link JaegerServer#start()} instead, so they don't disturb the others.
 *
 * <pre>{@code
 * @ExtendWith(JaegerExtension.class)
 * class MyTest {
 *   @Test
 *   void spans(JaegerServer jaeger) { ... jaeger.query().awaitTraces(...) ... }
 * }
 * }</pre>
 */
public final class JaegerExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(JaegerExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == JaegerServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return classContext(context)
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(JaegerServer.class, k -> JaegerServer.start(), JaegerServer.class);
  }

  private static ExtensionContext classContext(ExtensionContext context) {
    ExtensionContext c = context;
    while (c.getTestMethod().isPresent() && c.getParent().isPresent()) {
      c = c.getParent().get();
    }
    return c;
  }
}
