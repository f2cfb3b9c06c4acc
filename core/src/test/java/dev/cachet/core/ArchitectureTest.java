package dev.cachet.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Core is sans-I/O (DESIGN.md, STYLE.md): its classes reference no files, no HTTP client, no
 * threads or executors, no clock and no random ids; only API packages are exported; public types
 * name the RFC section they implement.
 */
class ArchitectureTest {

  /** Internal class names (prefixes) core must never reference. */
  private static final List<String> FORBIDDEN_TYPES =
      List.of(
          "java/io/File",
          "java/nio/file/",
          "java/net/http/",
          "java/lang/Thread",
          "java/util/concurrent/Executor",
          "java/util/concurrent/CompletableFuture",
          "java/util/concurrent/ForkJoin",
          "java/time/Clock",
          "java/util/Random",
          "java/security/SecureRandom");

  /** Methods (owner.name) core must never call: the system clock and random ids. */
  private static final Set<String> FORBIDDEN_METHODS =
      Set.of(
          "java/lang/System.currentTimeMillis",
          "java/lang/System.nanoTime",
          "java/time/Instant.now",
          "java/time/LocalDateTime.now",
          "java/time/ZonedDateTime.now",
          "java/time/OffsetDateTime.now",
          "java/time/LocalDate.now",
          "java/util/UUID.randomUUID",
          "java/lang/Math.random");

  static Path mainClasses() throws Exception {
    return Path.of(CacheState.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  static List<Path> coreClassFiles() throws Exception {
    try (Stream<Path> s = Files.walk(mainClasses())) {
      return s.filter(p -> p.toString().endsWith(".class"))
          .filter(p -> !p.getFileName().toString().equals("module-info.class"))
          .sorted()
          .toList();
    }
  }

  /** The forbidden references in one class file, found by reading its constant pool. */
  static Set<String> violations(InputStream classFile) throws IOException {
    DataInputStream in = new DataInputStream(classFile);
    if (in.readInt() != 0xCAFEBABE) {
      throw new IOException("not a class file");
    }
    in.readUnsignedShort();
    in.readUnsignedShort();
    int count = in.readUnsignedShort();
    String[] utf8 = new String[count];
    int[] classNameIndex = new int[count];
    int[][] refs = new int[count][];
    int[] nameAndTypeName = new int[count];
    for (int i = 1; i < count; i++) {
      int tag = in.readUnsignedByte();
      switch (tag) {
        case 1 -> utf8[i] = in.readUTF();
        case 3, 4 -> in.readInt();
        case 5, 6 -> {
          in.readLong();
          i++;
        }
        case 7 -> classNameIndex[i] = in.readUnsignedShort();
        case 8, 16, 19, 20 -> in.readUnsignedShort();
        case 9, 10, 11 -> refs[i] = new int[] {in.readUnsignedShort(), in.readUnsignedShort()};
        case 12 -> {
          nameAndTypeName[i] = in.readUnsignedShort();
          in.readUnsignedShort();
        }
        case 15 -> {
          in.readUnsignedByte();
          in.readUnsignedShort();
        }
        case 17, 18 -> in.readInt();
        default -> throw new IOException("unknown constant pool tag " + tag);
      }
    }
    Set<String> found = new TreeSet<>();
    for (int i = 1; i < count; i++) {
      // Class entries, and every descriptor or signature that names a type.
      String text = classNameIndex[i] != 0 ? utf8[classNameIndex[i]] : utf8[i];
      if (text != null) {
        for (String f : FORBIDDEN_TYPES) {
          if (text.startsWith(f) || text.contains("L" + f)) {
            found.add(f);
          }
        }
      }
      if (refs[i] != null) {
        String owner = utf8[classNameIndex[refs[i][0]]];
        String name = utf8[nameAndTypeName[refs[i][1]]];
        if (FORBIDDEN_METHODS.contains(owner + "." + name)) {
          found.add(owner + "." + name);
        }
      }
    }
    return found;
  }

  @Nested
  class SansIo {
    @Test
    void coreClassesTouchNoIoThreadsClockOrRandom() throws Exception {
      List<Path> classes = coreClassFiles();
      assertThat(classes).hasSizeGreaterThan(30);
      List<String> bad = new ArrayList<>();
      for (Path p : classes) {
        try (InputStream in = Files.newInputStream(p)) {
          Set<String> v = violations(in);
          if (!v.isEmpty()) {
            bad.add(mainClasses().relativize(p) + " " + v);
          }
        }
      }
      assertThat(bad).isEmpty();
    }

    /** A class that breaks every rule, to prove the scan sees each kind of reference. */
    static final class Offender {
      Object all(java.io.File f, java.nio.file.Path p) throws Exception {
        new Thread(() -> {}).start();
        java.util.concurrent.CompletableFuture.completedFuture(p);
        return java.time.Instant.now().toString()
            + System.currentTimeMillis()
            + java.util.UUID.randomUUID()
            + java.time.Clock.systemUTC()
            + f;
      }
    }

    @Test
    void scanFindsEachForbiddenReference() throws Exception {
      try (InputStream in =
          Offender.class.getResourceAsStream("ArchitectureTest$SansIo$Offender.class")) {
        assertThat(violations(in))
            .contains(
                "java/io/File",
                "java/nio/file/",
                "java/lang/Thread",
                "java/util/concurrent/CompletableFuture",
                "java/time/Clock",
                "java/time/Instant.now",
                "java/lang/System.currentTimeMillis",
                "java/util/UUID.randomUUID");
      }
    }

    @Test
    void parameterNamedNowIsNotMistakenForTheClock() throws Exception {
      try (InputStream in = IdleClient.class.getResourceAsStream("IdleClient.class")) {
        assertThat(violations(in)).isEmpty();
      }
    }
  }

  @Nested
  class Module {
    private final ModuleDescriptor descriptor = CacheState.class.getModule().getDescriptor();

    @Test
    void internalPackagesAreNotExported() {
      assertThat(descriptor).as("core runs as a named module in tests").isNotNull();
      assertThat(descriptor.exports())
          .extracting(ModuleDescriptor.Exports::source)
          .containsExactly("dev.cachet.core");
      assertThat(descriptor.exports()).allSatisfy(e -> assertThat(e.isQualified()).isFalse());
      assertThat(descriptor.packages()).contains("dev.cachet.core.internal");
      assertThat(CacheState.class.getModule().isExported("dev.cachet.core.internal")).isFalse();
    }

    @Test
    void coreRequiresOnlyJavaBase() {
      // At run time: JSpecify's nullness annotations are read when compiling only (requires
      // static), and nothing else is.
      assertThat(descriptor.requires())
          .filteredOn(r -> !r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC))
          .extracting(ModuleDescriptor.Requires::name)
          .containsExactly("java.base");
      assertThat(descriptor.requires())
          .filteredOn(r -> r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC))
          .extracting(ModuleDescriptor.Requires::name)
          .containsExactly("org.jspecify");
    }
  }

  @Nested
  class Documentation {
    private static final Pattern TYPE =
        Pattern.compile(
            "(/\\*\\*(?:(?!\\*/).)*\\*/)\\s*(?:@\\w+\\s*)*public\\s+(?:final\\s+|sealed\\s+|abstract\\s+)*(?:class|interface|record|enum)\\s+(\\w+)",
            Pattern.DOTALL);

    @Test
    void everyPublicTypeHasJavadocNamingAnRfcSection() throws Exception {
      Path sources = Path.of("src/main/java/dev/cachet/core");
      assertThat(sources).isDirectory();
      List<String> undocumented = new ArrayList<>();
      int checked = 0;
      try (Stream<Path> files = Files.list(sources)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
          String src = Files.readString(f);
          String name = f.getFileName().toString().replace(".java", "");
          if (!Pattern.compile(
                  "public\\s+(?:final\\s+|sealed\\s+)*(?:class|interface|record|enum)\\s+"
                      + name
                      + "\\b")
              .matcher(src)
              .find()) {
            continue; // package-private helper
          }
          checked++;
          Matcher m = TYPE.matcher(src);
          boolean ok = false;
          while (m.find()) {
            if (m.group(2).equals(name)) {
              ok = m.group(1).matches("(?s).*RFC \\d{4}.*") && m.group(1).contains("§");
            }
          }
          if (!ok) {
            undocumented.add(name);
          }
        }
      }
      assertThat(checked).isGreaterThan(15);
      assertThat(undocumented).isEmpty();
    }
  }
}
