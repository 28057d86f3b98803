package vigil.cli;

import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.CD_boolean;
import static java.lang.constant.ConstantDescs.CD_void;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.Label;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.lang.reflect.AccessFlag;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OldClassFilesTest {
    private static final ClassDesc BASE = ClassDesc.of("old.Base");
    private static final ClassDesc DERIVED = ClassDesc.of("old.Derived");
    private static final ClassDesc PICK = ClassDesc.of("old.Pick");

    @TempDir
    Path dir;

    @Test
    void raisesJavaFiveClassesToJavaEightWithStackMapsThatVerify() throws Exception {
        Path jar = jar(dir.resolve("old.jar"), ClassFile.JAVA_5_VERSION);

        assertThat(OldClassFiles.raise(jar)).isTrue();

        Map<String, byte[]> raised = entries(jar);
        assertThat(raised.keySet())
                .containsExactly("META-INF/MANIFEST.MF", "old/Base.class", "old/Derived.class", "old/Pick.class");
        assertThat(raised.get("META-INF/MANIFEST.MF")).isEqualTo(manifest());
        for (String name : new String[] {"old/Base.class", "old/Derived.class", "old/Pick.class"}) {
            assertThat(ClassFile.of().parse(raised.get(name)).majorVersion()).isEqualTo(ClassFile.JAVA_8_VERSION);
        }
        // loaded through the split verifier: a stack map that did not merge Derived and Base into Base would fail
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            Class<?> pick = loader.loadClass("old.Pick");
            Object base = pick.getMethod("pick", boolean.class).invoke(null, false);
            Object derived = pick.getMethod("pick", boolean.class).invoke(null, true);
            assertThat(base.getClass().getName()).isEqualTo("old.Base");
            assertThat(derived.getClass().getName()).isEqualTo("old.Derived");
        }
    }

    @Test
    void leavesAJarWithoutOldClassesAsItWas() throws Exception {
        Path jar = jar(dir.resolve("new.jar"), ClassFile.JAVA_8_VERSION);
        byte[] before = Files.readAllBytes(jar);

        assertThat(OldClassFiles.raise(jar)).isFalse();

        assertThat(Files.readAllBytes(jar)).isEqualTo(before);
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(jar);
        }
    }

    @Test
    void aRaisedJarIsNotRewrittenAgain() throws Exception {
        Path jar = jar(dir.resolve("old.jar"), ClassFile.JAVA_5_VERSION);
        assertThat(OldClassFiles.raise(jar)).isTrue();
        byte[] raised = Files.readAllBytes(jar);

        assertThat(OldClassFiles.raise(jar)).isFalse();

        assertThat(Files.readAllBytes(jar)).isEqualTo(raised);
    }

    /** Base, Derived extends Base, and Pick.pick(flag): a Derived or a Base, merged at one return. */
    private static Path jar(Path jar, int version) throws IOException {
        ClassFile files = ClassFile.of(ClassFile.StackMapsOption.DROP_STACK_MAPS);
        byte[] base = files.build(BASE, cls -> {
            cls.withVersion(version, 0)
                    .withFlags(AccessFlag.PUBLIC, AccessFlag.SUPER)
                    .withSuperclass(CD_Object);
            constructor(cls, CD_Object);
        });
        byte[] derived = files.build(DERIVED, cls -> {
            cls.withVersion(version, 0)
                    .withFlags(AccessFlag.PUBLIC, AccessFlag.SUPER)
                    .withSuperclass(BASE);
            constructor(cls, BASE);
        });
        byte[] pick = files.build(PICK, cls -> {
            cls.withVersion(version, 0)
                    .withFlags(AccessFlag.PUBLIC, AccessFlag.SUPER)
                    .withSuperclass(CD_Object);
            cls.withMethodBody(
                    "pick", MethodTypeDesc.of(BASE, CD_boolean), ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC, code -> {
                        Label otherwise = code.newLabel();
                        Label done = code.newLabel();
                        code.iload(0).ifeq(otherwise);
                        code.new_(DERIVED)
                                .dup()
                                .invokespecial(DERIVED, ConstantDescs.INIT_NAME, MethodTypeDesc.of(CD_void));
                        code.goto_(done);
                        code.labelBinding(otherwise);
                        code.new_(BASE).dup().invokespecial(BASE, ConstantDescs.INIT_NAME, MethodTypeDesc.of(CD_void));
                        code.labelBinding(done);
                        code.areturn();
                    });
        });
        try (OutputStream file = Files.newOutputStream(jar);
                ZipOutputStream out = new ZipOutputStream(file)) {
            put(out, "META-INF/MANIFEST.MF", manifest());
            put(out, "old/Base.class", base);
            put(out, "old/Derived.class", derived);
            put(out, "old/Pick.class", pick);
        }
        return jar;
    }

    private static void constructor(java.lang.classfile.ClassBuilder cls, ClassDesc superclass) {
        cls.withMethodBody(
                ConstantDescs.INIT_NAME,
                MethodTypeDesc.of(CD_void),
                ClassFile.ACC_PUBLIC,
                code -> code.aload(0)
                        .invokespecial(superclass, ConstantDescs.INIT_NAME, MethodTypeDesc.of(CD_void))
                        .return_());
    }

    private static byte[] manifest() {
        return "Manifest-Version: 1.0\r\n\r\n".getBytes(StandardCharsets.UTF_8);
    }

    private static void put(ZipOutputStream out, String name, byte[] bytes) throws IOException {
        out.putNextEntry(new ZipEntry(name));
        out.write(bytes);
        out.closeEntry();
    }

    private static Map<String, byte[]> entries(Path jar) throws IOException {
        Map<String, byte[]> entries = new TreeMap<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
                try (var in = zip.getInputStream(entry)) {
                    entries.put(entry.getName(), in.readAllBytes());
                }
            }
        }
        return entries;
    }
}
