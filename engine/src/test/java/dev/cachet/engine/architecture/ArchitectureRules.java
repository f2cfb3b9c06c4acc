package dev.cachet.engine.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The rules the engine and its shells share (STYLE.md: small classes, short parameter lists, core's
 * states taken as the unions core gives, storages only through the {@code Storage} SPI), as checks
 * a module's architecture test calls. Shipped in the engine's test-jar; each module keeps its own
 * checks beside these.
 *
 * <p>Source checks read the module's {@code src/main/java}, relative to the working directory a
 * test runs in (the module's directory); class checks walk the directory or jar a class was loaded
 * from.
 */
public final class ArchitectureRules {
  /** The module's main sources, relative to the module's directory. */
  public static final Path SOURCES = Path.of("src/main/java");

  /** A cast to one of core's states: callers take the sealed unions core returns as they are. */
  public static final Pattern CORE_STATE_CAST =
      Pattern.compile(
          "\\(\\s*(IdleClient|CacheMiss|FromCache|NeedRevalidation|NeedToBeUpdated|StoreAndUse"
              + "|CouldNotBeStored|InvalidatePairs|StaleWhileRevalidate|StorePart)\\s*\\)\\s*\\w");

  /** A test for a concrete storage: storages are known only through the {@code Storage} SPI. */
  public static final Pattern CONCRETE_STORAGE =
      Pattern.compile("instanceof\\s+(MemoryStorage|FileStorage|RedisStorage)\\b");

  private ArchitectureRules() {}

  /** The files under a root whose names end with the suffix, sorted. */
  public static List<Path> files(Path root, String suffix) throws Exception {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
    }
  }

  /** The module's main Java sources. */
  public static List<Path> sources() throws Exception {
    return files(SOURCES, ".java");
  }

  /** The directory (or jar) the anchor's module's classes were loaded from. */
  public static Path classesOf(Class<?> anchor) throws URISyntaxException {
    return Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  /** The lines that are neither blank nor comments. */
  public static long codeLines(List<String> lines) {
    boolean inComment = false;
    long code = 0;
    for (String raw : lines) {
      String line = raw.strip();
      if (inComment) {
        int end = line.indexOf("*/");
        if (end < 0) {
          continue;
        }
        inComment = false;
        line = line.substring(end + 2).strip();
      }
      if (line.startsWith("/*")) {
        int end = line.indexOf("*/", 2);
        if (end < 0) {
          inComment = true;
          continue;
        }
        line = line.substring(end + 2).strip();
      }
      if (!line.isEmpty() && !line.startsWith("//")) {
        code++;
      }
    }
    return code;
  }

  /** Every source file has at most this many lines, comments and blank lines included. */
  public static void assertEverySourceWithinLines(int max) throws Exception {
    for (Path source : sources()) {
      assertThat(Files.readAllLines(source))
          .as("%s: split it along its concerns", source)
          .hasSizeLessThanOrEqualTo(max);
    }
  }

  /**
   * Every source file has at most this many code lines: a public class's Javadoc is its users'
   * documentation, so comments and blank lines are not counted.
   */
  public static void assertEverySourceWithinCodeLines(int max) throws Exception {
    for (Path source : sources()) {
      assertThat(codeLines(Files.readAllLines(source)))
          .as("%s: split it along its concerns", source)
          .isLessThanOrEqualTo(max);
    }
  }

  /** No source casts a core state or tests for a concrete storage. */
  public static void assertNoCoreStateCastAndNoConcreteStorageTest() throws Exception {
    for (Path source : sources()) {
      String text = Files.readString(source);
      assertThat(CORE_STATE_CAST.matcher(text).find())
          .as("%s casts a core state", source)
          .isFalse();
      assertThat(CONCRETE_STORAGE.matcher(text).find())
          .as("%s tests for a concrete storage", source)
          .isFalse();
    }
  }

  /**
   * No non-private method or constructor of the anchor's module's classes takes more than this many
   * parameters; records are exempt, as a record's components are named where it is built, and so
   * are methods that override a library's, whose parameters the library chose.
   */
  public static void assertParametersAtMost(Class<?> anchor, int max) throws Exception {
    Path classes = classesOf(anchor);
    for (Path file : files(classes, ".class")) {
      if (file.endsWith("module-info.class")) {
        continue;
      }
      String name =
          classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
      Class<?> c = Class.forName(name, false, anchor.getClassLoader());
      if (c.isRecord()) {
        continue;
      }
      Stream.concat(Stream.of(c.getDeclaredMethods()), Stream.of(c.getDeclaredConstructors()))
          .filter(e -> !Modifier.isPrivate(e.getModifiers()) && !e.isSynthetic())
          .filter(e -> !(e instanceof Method m && overridesALibrary(c, m)))
          .forEach(
              e -> assertThat(ownParameters(c, e)).as("%s: %s", name, e).isLessThanOrEqualTo(max));
    }
  }

  /**
   * A method that overrides one of a library's types (Netty's frame logger, say) has the library's
   * parameters, which the project does not choose.
   */
  private static boolean overridesALibrary(Class<?> c, Method m) {
    List<Class<?>> supertypes = new ArrayList<>(List.of(c.getInterfaces()));
    if (c.getSuperclass() != null) {
      supertypes.add(c.getSuperclass());
    }
    for (Class<?> s : supertypes) {
      if (s.getName().startsWith("dev.cachet.")) {
        if (overridesALibrary(s, m)) {
          return true;
        }
        continue;
      }
      if (declares(s, m)) {
        return true;
      }
    }
    return false;
  }

  /** Whether a library type has the method, public or protected, itself or by inheritance. */
  private static boolean declares(Class<?> type, Method m) {
    try {
      return !Modifier.isStatic(type.getMethod(m.getName(), m.getParameterTypes()).getModifiers());
    } catch (NoSuchMethodException notPublic) {
      for (Class<?> k = type; k != null; k = k.getSuperclass()) {
        try {
          int modifiers = k.getDeclaredMethod(m.getName(), m.getParameterTypes()).getModifiers();
          return Modifier.isProtected(modifiers) && !Modifier.isStatic(modifiers);
        } catch (NoSuchMethodException notHere) {
          // its superclass, then
        }
      }
      return false;
    }
  }

  /** An inner class's constructor takes its outer instance first, which nobody writes. */
  private static int ownParameters(Class<?> c, Executable e) {
    boolean inner = c.isMemberClass() && !Modifier.isStatic(c.getModifiers());
    return e.getParameterCount() - (inner && e.getName().equals(c.getName()) ? 1 : 0);
  }
}
