package dev.weft.junit;

import dev.weft.deterministic.DeterministicBackend;
import dev.weft.spi.Backend;
import dev.weft.spi.BackendFeature;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;

/**
 * The extension behind {@link WeftTest}: one invocation of the test per chosen backend.
 *
 * <p>Configuration, as JUnit configuration parameters or system properties: {@code weft.backends}
 * (comma-separated names among {@code virtual}, {@code platform}, {@code deterministic}; default
 * all), {@code weft.seeds} (deterministic seeds per test; default 3), {@code weft.seed.base} (the
 * first seed; default 1), {@code weft.seed} (replay exactly this seed on the deterministic backend
 * only). A test none of whose backends is configured is reported as skipped, with the reason.
 *
 * <p>Compiled against the oldest JUnit Jupiter it supports (5.10), so that it runs on 5.10+ and
 * 6.x alike.
 */
public final class WeftExtension implements TestTemplateInvocationContextProvider {

  /**
   * Creates the extension. JUnit calls this for {@link WeftTest} (through {@code @ExtendWith});
   * tests need not.
   */
  public WeftExtension() {}

  @Override
  public boolean supportsTestTemplate(ExtensionContext context) {
    return context.getTestMethod().map(m -> m.isAnnotationPresent(WeftTest.class)).orElse(false);
  }

  @Override
  public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(
      ExtensionContext context) {
    Method method = context.getRequiredTestMethod();
    WeftTest test = method.getAnnotation(WeftTest.class);
    boolean inside = Arrays.stream(method.getParameterTypes()).noneMatch(Backend.class::equals);
    Set<BackendFeature> required = Set.of(test.requires());
    List<TestTemplateInvocationContext> runs = backends(test, context).stream()
        .filter(b -> b.features().containsAll(required))
        .<TestTemplateInvocationContext>map(b -> new Invocation(b, inside))
        .toList();
    // Zero invocations fail a test template before JUnit 5.12; one skipped invocation says why
    // on every version.
    return runs.isEmpty() ? Stream.of(new NoBackend(required)) : runs.stream();
  }

  /** Stands in for the runs of a test none of whose backends is configured: skipped. */
  private record NoBackend(Set<BackendFeature> required)
      implements TestTemplateInvocationContext {

    @Override
    public String getDisplayName(int invocationIndex) {
      return "[no configured backend]";
    }

    @Override
    public List<Extension> getAdditionalExtensions() {
      return List.of((ExecutionCondition) context -> ConditionEvaluationResult.disabled(
          "none of the configured backends (weft.backends) has the features this test requires: "
              + required));
    }
  }

  private static List<Backend> backends(WeftTest test, ExtensionContext context) {
    long replay = test.seed() != Long.MIN_VALUE ? test.seed()
        : context.getConfigurationParameter("weft.seed").map(Long::parseLong)
            .orElse(Long.MIN_VALUE);
    if (replay != Long.MIN_VALUE) {
      return List.of(DeterministicBackend.withSeed(replay));
    }
    List<String> names = Arrays.asList(context.getConfigurationParameter("weft.backends")
        .orElse("virtual,platform,deterministic").split(","));
    List<Backend> backends = new ArrayList<>();
    if (names.contains("virtual")) {
      backends.add(Backend.virtualThreads());
    }
    if (names.contains("platform")) {
      backends.add(Backend.platformThreads());
    }
    if (names.contains("deterministic")) {
      int seeds = test.seeds() > 0 ? test.seeds()
          : context.getConfigurationParameter("weft.seeds").map(Integer::parseInt).orElse(3);
      long base = context.getConfigurationParameter("weft.seed.base").map(Long::parseLong)
          .orElse(1L);
      for (int i = 0; i < seeds; i++) {
        backends.add(DeterministicBackend.withSeed(base + i));
      }
    }
    return backends;
  }

  /** One run of the test on one backend. */
  private record Invocation(Backend backend, boolean inside)
      implements TestTemplateInvocationContext {

    @Override
    public String getDisplayName(int invocationIndex) {
      return "[" + backend.name() + "]"; // reports put the method's name in front
    }

    @Override
    public List<Extension> getAdditionalExtensions() {
      List<Extension> extensions = new ArrayList<>();
      extensions.add(new BackendResolver(backend));
      if (inside) {
        extensions.add(new RunInside(backend));
      }
      if (backend instanceof DeterministicBackend d) {
        extensions.add(new ReplayHint(d.seed()));
      }
      return extensions;
    }
  }

  /** Gives a {@code Backend} parameter the invocation's backend. */
  private record BackendResolver(Backend backend) implements ParameterResolver {
    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
      return p.getParameter().getType() == Backend.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
      return backend;
    }
  }

  /** Runs a parameterless test method as the root task of a run on the backend. */
  private record RunInside(Backend backend) implements InvocationInterceptor {
    @Override
    public void interceptTestTemplateMethod(Invocation<Void> invocation,
        ReflectiveInvocationContext<Method> invocationContext, ExtensionContext extensionContext)
        throws Throwable {
      Throwable[] failure = new Throwable[1];
      Runs.exec(backend, () -> {
        try {
          invocation.proceed();
        } catch (Throwable t) {
          failure[0] = t;
        }
      });
      if (failure[0] != null) {
        throw failure[0];
      }
    }
  }

  /** Adds how to replay a failing deterministic run to its failure. */
  private record ReplayHint(long seed) implements TestExecutionExceptionHandler {
    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable)
        throws Throwable {
      String test = context.getRequiredTestClass().getSimpleName() + "#"
          + context.getRequiredTestMethod().getName();
      throwable.addSuppressed(new ReplayInstructions("failed on the deterministic backend with seed "
          + seed + "; replay exactly this run with -Dweft.seed=" + seed + " -Dtest=" + test));
      throw throwable;
    }
  }

  /** Carries the replay instructions into the failure's report. */
  private static final class ReplayInstructions extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ReplayInstructions(String message) {
      super(message, null, false, false);
    }
  }
}
