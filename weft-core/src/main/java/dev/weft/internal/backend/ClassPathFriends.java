package dev.weft.internal.backend;

/**
 * Lets the deterministic backend reach the internal packages that {@code dev.weft} exports to it
 * also when it sits on the class path while {@code dev.weft} is a named module: the default for a
 * modular project whose main code requires {@code dev.weft} and whose tests use {@code
 * weft-junit} (Maven Surefire puts test-only dependencies on the class path). A qualified export
 * cannot name the unnamed module, so the packages are opened to it here at run time.
 *
 * <p>This grants nothing that the class path does not grant already: with {@code dev.weft} itself on
 * the class path, every package is readable by all class-path code. Named modules still see only
 * the exported API.
 */
public final class ClassPathFriends {

  private ClassPathFriends() {}

  private static final String[] PACKAGES = {"dev.weft.internal.backend", "dev.weft.internal.guard"};

  static {
    Module weft = ClassPathFriends.class.getModule();
    ClassLoader loader = ClassPathFriends.class.getClassLoader();
    if (weft.isNamed() && loader != null) {
      for (String pkg : PACKAGES) {
        weft.addExports(pkg, loader.getUnnamedModule());
      }
    }
  }

  /** Makes sure the exports above are in place; called before any backend is opened. */
  public static void ensure() {
    // The work is done once, by the class initialiser.
  }
}
