package vigil.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Raises the class files of a distribution's libraries that predate Java 6 (major version 49 or lower: picocli is
 * compiled for Java 5) to Java 8's version, with the stack maps that version requires. The JDK's AOT cache never
 * stores such a class once it has been linked (the old verifier keeps no constraints to check at run time), so every
 * command loaded and verified picocli's 170 classes from its jar again; raised, they are cached with the rest.
 * The launcher runs it on the lib directory once after each build, before recording the cache (ADR 0035).
 */
public final class OldClassFiles {
    /** The first class file version the AOT cache stores in linked form (Java 6). */
    static final int OLDEST_CACHED = ClassFile.JAVA_6_VERSION;

    private OldClassFiles() {}

    /** Raises the old classes of each jar named, in place; a jar it cannot rewrite is left as it was. */
    public static void main(String[] args) {
        for (String jar : args) {
            try {
                raise(Path.of(jar));
            } catch (IOException | IllegalArgumentException e) {
                System.err.println("vigil: left " + jar + " as it was: " + e.getMessage());
            }
        }
    }

    /** Rewrites {@code jar} when it holds old classes; whether it did. Other entries are copied as they are. */
    static boolean raise(Path jar) throws IOException {
        Path raised = Files.createTempFile(jar.toAbsolutePath().getParent(), ".raising-", ".jar");
        boolean changed = false;
        try (ZipFile zip = new ZipFile(jar.toFile());
                URLClassLoader classes =
                        new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
                OutputStream file = Files.newOutputStream(raised);
                ZipOutputStream out = new ZipOutputStream(file)) {
            // the jar's own classes are resolved from the jar, the JDK's from the running JDK
            ClassHierarchyResolver hierarchy =
                    ClassHierarchyResolver.defaultResolver().orElse(ClassHierarchyResolver.ofResourceParsing(classes));
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                byte[] bytes;
                try (InputStream in = zip.getInputStream(entry)) {
                    bytes = in.readAllBytes();
                }
                if (entry.getName().endsWith(".class") && !entry.isDirectory()) {
                    byte[] upgraded = raise(bytes, hierarchy);
                    changed |= upgraded != bytes;
                    bytes = upgraded;
                }
                ZipEntry copy = new ZipEntry(entry.getName());
                copy.setTime(entry.getTime());
                out.putNextEntry(copy);
                out.write(bytes);
                out.closeEntry();
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(raised);
            throw e;
        }
        if (!changed) {
            Files.delete(raised);
            return false;
        }
        try {
            Files.setPosixFilePermissions(raised, Files.getPosixFilePermissions(jar));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the temporary file's permissions are the usual ones there
        }
        Files.move(raised, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return true;
    }

    /**
     * A class file older than {@link #OLDEST_CACHED} at Java 8's version, each method body rebuilt so that its
     * stack maps are computed; any other class file as it is (the same array).
     */
    static byte[] raise(byte[] classFile, ClassHierarchyResolver hierarchy) {
        ClassFile files = ClassFile.of(
                ClassFile.ClassHierarchyResolverOption.of(hierarchy), ClassFile.StackMapsOption.GENERATE_STACK_MAPS);
        ClassModel model = files.parse(classFile);
        if (model.majorVersion() >= OLDEST_CACHED) {
            return classFile;
        }
        ClassTransform version = (builder, element) -> {
            if (element instanceof ClassFileVersion) {
                builder.withVersion(ClassFile.JAVA_8_VERSION, 0);
            } else {
                builder.with(element);
            }
        };
        return files.transformClass(
                model, version.andThen(ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL)));
    }
}
