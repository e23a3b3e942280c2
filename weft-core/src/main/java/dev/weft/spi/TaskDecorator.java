package dev.weft.spi;

/**
 * Wraps the body of every task of a run, to carry a context from the task that starts it into the
 * new task: a logging MDC, an OpenTelemetry {@code Context}, a security context (as Spring's
 * {@code TaskDecorator} does for executors). Installed with {@link Backend#withTaskDecorator}.
 *
 * <pre>{@code
 * Backend traced = Backend.virtualThreads().withTaskDecorator(body -> {
 *   Map<String, String> mdc = MDC.getCopyOfContextMap();   // on the starting task's thread
 *   return () -> {                                          // on the new task's thread
 *     MDC.setContextMap(mdc);
 *     try { body.run(); } finally { MDC.clear(); }
 *   };
 * });
 * Weft.run(traced, () -> ...);
 * }</pre>
 *
 * <p>{@link #decorate} is called on the thread that starts the task (for the root task, the thread
 * that calls {@code Weft.run}), when it starts it; what it returns runs on the new task's thread in
 * place of the body. Weft's own bookkeeping stays outside it: a wrapper that throws fails its task
 * as the body would, and one that never runs the body ends its task without running it
 * (semantics Y2).
 */
@FunctionalInterface
public interface TaskDecorator {

  /**
   * Returns what the new task runs in place of {@code body}; it should run {@code body} once.
   *
   * @param body the task's body; runs the task's code and never throws
   * @return the body wrapped in the context to carry over
   */
  Runnable decorate(Runnable body);
}
