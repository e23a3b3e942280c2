package dev.weft.api;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The public API of a Weft module as text, one line per type and member, sorted: every public or
 * protected type of an unqualified exported package, with its supertypes, and its public and
 * protected constructors, methods and fields with their generic signatures and {@code throws}
 * (also the public methods it inherits from a superclass that users cannot name).
 * Two dumps differ exactly when a user of the module could see a difference in what compiles.
 */
final class ApiDump {

  private ApiDump() {}

  /** Dumps the module that contains {@code member}, read from its jar or classes folder. */
  static String ofModuleContaining(Class<?> member) throws IOException {
    Path location;
    try {
      location = Path.of(member.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IOException(e);
    }
    ModuleReference module = ModuleFinder.of(location).findAll().stream().findFirst()
        .orElseThrow(() -> new IOException("no module at " + location));
    Set<String> exported = module.descriptor().exports().stream()
        .filter(e -> !e.isQualified())
        .map(ModuleDescriptor.Exports::source)
        .collect(Collectors.toSet());
    List<Class<?>> types = new ArrayList<>();
    try (Stream<String> names = module.open().list()) {
      for (String name : names.filter(n -> n.endsWith(".class")).toList()) {
        String className = name.substring(0, name.length() - ".class".length()).replace('/', '.');
        int dot = className.lastIndexOf('.');
        if (dot < 0 || !exported.contains(className.substring(0, dot))) {
          continue;
        }
        try {
          types.add(Class.forName(className, false, member.getClassLoader()));
        } catch (ClassNotFoundException e) {
          throw new IOException(e);
        }
      }
    }
    return dump(module.descriptor().name(), types);
  }

  /** Dumps {@code types} (those visible to users) as the API of {@code moduleName}. */
  static String dump(String moduleName, List<Class<?>> types) {
    TreeSet<String> lines = new TreeSet<>();
    for (Class<?> type : types) {
      if (!isVisible(type)) {
        continue;
      }
      String owner = type.getName();
      lines.add(owner + " : " + describe(type));
      for (Constructor<?> c : type.getDeclaredConstructors()) {
        if (isVisible(c)) {
          lines.add(owner + " : " + c.toGenericString());
        }
      }
      for (Method m : type.getDeclaredMethods()) {
        if (isVisible(m) && !m.isSynthetic() && !m.isBridge()) {
          lines.add(owner + " : " + m.toGenericString()
              + (m.getDefaultValue() != null
                  ? " default " + Arrays.deepToString(new Object[] {m.getDefaultValue()}) : ""));
        }
      }
      // Public methods inherited from a superclass that users cannot name (a package-private
      // base class) are still the type's API: a user calls them on the type.
      for (Class<?> hidden = type.getSuperclass(); hidden != null && !isVisible(hidden);
          hidden = hidden.getSuperclass()) {
        for (Method m : hidden.getDeclaredMethods()) {
          if (Modifier.isPublic(m.getModifiers()) && !m.isSynthetic() && !m.isBridge()) {
            lines.add(owner + " : " + m.toGenericString() + " (inherited)");
          }
        }
      }
      for (Field f : type.getDeclaredFields()) {
        if (isVisible(f) && !f.isSynthetic()) {
          lines.add(owner + " : " + f.toGenericString());
        }
      }
    }
    return "# Public API of module " + moduleName + " (see PublicApiTest)\n"
        + String.join("\n", lines) + "\n";
  }

  private static String describe(Class<?> type) {
    StringBuilder sb = new StringBuilder(type.toGenericString());
    Type superclass = type.getGenericSuperclass();
    if (superclass != null && superclass != Object.class && !type.isEnum() && !type.isRecord()) {
      sb.append(" extends ").append(superclass.getTypeName());
    }
    Type[] interfaces = type.getGenericInterfaces();
    if (interfaces.length > 0 && !type.isAnnotation()) {
      sb.append(type.isInterface() ? " extends " : " implements ").append(
          Arrays.stream(interfaces).map(Type::getTypeName).collect(Collectors.joining(", ")));
    }
    return sb.toString();
  }

  /** Public or protected, and so is every enclosing type. */
  private static boolean isVisible(Class<?> type) {
    for (Class<?> t = type; t != null; t = t.getDeclaringClass()) {
      int m = t.getModifiers();
      if (!Modifier.isPublic(m) && !Modifier.isProtected(m)) {
        return false;
      }
    }
    return !type.isAnonymousClass() && !type.isLocalClass() && !type.isSynthetic();
  }

  private static boolean isVisible(Member member) {
    int m = member.getModifiers();
    return Modifier.isPublic(m)
        || (Modifier.isProtected(m) && !Modifier.isFinal(member.getDeclaringClass().getModifiers()));
  }

  /**
   * The lines only in {@code recorded} (prefixed "- ") and only in {@code current} ("+ "), in
   * order; empty when the two describe the same API.
   */
  static List<String> diff(String recorded, String current) {
    TreeSet<String> was = new TreeSet<>(recorded.lines().filter(l -> !l.startsWith("#")).toList());
    TreeSet<String> now = new TreeSet<>(current.lines().filter(l -> !l.startsWith("#")).toList());
    List<String> changes = new ArrayList<>();
    was.stream().filter(l -> !now.contains(l)).forEach(l -> changes.add("- " + l));
    now.stream().filter(l -> !was.contains(l)).forEach(l -> changes.add("+ " + l));
    return changes;
  }
}
