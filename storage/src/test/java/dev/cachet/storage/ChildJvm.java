package dev.cachet.storage;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Starts a class's {@code main} in a child JVM with this test's classes and dependencies. */
final class ChildJvm {
  private ChildJvm() {}

  static ProcessBuilder builder(Class<?> main, List<String> jvmOptions, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(classPath(main));
    command.add(main.getName());
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true);
  }

  /**
   * The class path and module path of this JVM, plus where the classes the child needs come from
   * (surefire may put the tests on a patched module rather than the class path).
   */
  private static String classPath(Class<?> main) {
    Set<String> entries = new LinkedHashSet<>();
    for (Class<?> c :
        List.of(
            main,
            FileStorage.class,
            dev.cachet.core.CacheKey.class,
            com.fasterxml.jackson.databind.ObjectMapper.class,
            com.fasterxml.jackson.core.JsonFactory.class,
            com.fasterxml.jackson.annotation.JsonProperty.class)) {
      try {
        entries.add(
            Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
      } catch (URISyntaxException | NullPointerException e) {
        // Found through the paths below instead.
      }
    }
    for (String property : List.of("jdk.module.path", "java.class.path")) {
      String value = System.getProperty(property);
      if (value != null && !value.isEmpty()) {
        entries.addAll(List.of(value.split(File.pathSeparator)));
      }
    }
    return String.join(File.pathSeparator, entries);
  }
}
