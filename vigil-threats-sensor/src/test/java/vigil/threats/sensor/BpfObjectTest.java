package vigil.threats.sensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The eBPF object kept beside its source is the one built from it (scripts/build-bpf.sh records the source's hash). */
class BpfObjectTest {
    @Test
    void theObjectIsBuiltFromTheCurrentSource() throws Exception {
        // the program and the record layouts it includes, hashed together as scripts/build-bpf.sh does
        java.io.ByteArrayOutputStream both = new java.io.ByteArrayOutputStream();
        both.write(Files.readAllBytes(Path.of("src/main/bpf/vigil.bpf.c")));
        both.write(Files.readAllBytes(Path.of("src/main/bpf/records.h")));
        byte[] source = both.toByteArray();
        String built;
        try (InputStream in = Sensor.class.getResourceAsStream("vigil.bpf.c.sha256")) {
            assertThat(in).as("the recorded hash of the built source").isNotNull();
            built = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
        }
        String current =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(source));
        assertThat(current)
                .as("vigil.bpf.c or records.h changed since vigil.bpf.o was built: run scripts/build-bpf.sh and commit"
                        + " them")
                .isEqualTo(built);
    }

    /** The hook probe's programs (hooks.bpf.c, ADR 0050), likewise. */
    @Test
    void theHookProbesObjectIsBuiltFromItsCurrentSource() throws Exception {
        byte[] source = Files.readAllBytes(Path.of("src/main/bpf/hooks.bpf.c"));
        String built;
        try (InputStream in = HookProbe.class.getResourceAsStream("hooks.bpf.c.sha256")) {
            assertThat(in).as("the recorded hash of the built source").isNotNull();
            built = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
        }
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(source)))
                .as("hooks.bpf.c changed since hooks.bpf.o was built: run scripts/build-bpf.sh and commit both")
                .isEqualTo(built);
        try (InputStream in = HookProbe.class.getResourceAsStream(HookProbe.OBJECT)) {
            assertThat(in).isNotNull();
            assertThat(in.readAllBytes()).startsWith(0x7f, 'E', 'L', 'F');
        }
    }

    /** The sensor benchmark's floor programs (scripts/bench/sensor-floor.bpf.c, ADR 0049), likewise. */
    @Test
    void theBenchmarksFloorObjectIsBuiltFromItsCurrentSource() throws Exception {
        Path bench = Path.of("../scripts/bench");
        String built = Files.readString(bench.resolve("sensor-floor.bpf.c.sha256"), StandardCharsets.US_ASCII)
                .trim();
        String current = HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(Files.readAllBytes(bench.resolve("sensor-floor.bpf.c"))));
        assertThat(current)
                .as("sensor-floor.bpf.c changed since sensor-floor.bpf.o was built: run scripts/build-bpf.sh")
                .isEqualTo(built);
        assertThat(Files.readAllBytes(bench.resolve("sensor-floor.bpf.o"))).startsWith(0x7f, 'E', 'L', 'F');
    }

    /** The ptrace launcher (ADR 0053), built with the record layouts it writes: a static x86_64 executable. */
    @Test
    void theTraceLauncherIsBuiltFromItsCurrentSource() throws Exception {
        java.io.ByteArrayOutputStream both = new java.io.ByteArrayOutputStream();
        both.write(Files.readAllBytes(Path.of("src/main/trace/vigil-trace.c")));
        both.write(Files.readAllBytes(Path.of("src/main/bpf/records.h")));
        String built;
        try (InputStream in = TraceLauncher.class.getResourceAsStream("vigil-trace.c.sha256")) {
            assertThat(in).isNotNull();
            built = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
        }
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(both.toByteArray())))
                .as("vigil-trace.c or records.h changed since vigil-trace was built: run scripts/build-bpf.sh")
                .isEqualTo(built);
        byte[] launcher;
        try (InputStream in = TraceLauncher.class.getResourceAsStream(TraceLauncher.RESOURCE)) {
            assertThat(in).isNotNull();
            launcher = in.readAllBytes();
        }
        assertThat(launcher).startsWith(0x7f, 'E', 'L', 'F');
        assertThat((launcher[18] & 0xff) | (launcher[19] & 0xff) << 8)
                .as("e_machine EM_X86_64")
                .isEqualTo(62);
        // static: no program header asks for an interpreter (PT_INTERP), so it runs in any workload's image
        java.nio.ByteBuffer elf = java.nio.ByteBuffer.wrap(launcher).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long headers = elf.getLong(32);
        int size = Short.toUnsignedInt(elf.getShort(54));
        int count = Short.toUnsignedInt(elf.getShort(56));
        for (int i = 0; i < count; i++) {
            assertThat(elf.getInt((int) headers + i * size))
                    .as("program header %d's type", i)
                    .isNotEqualTo(3);
        }
    }

    @Test
    void theObjectIsAnEbpfElfFileWithItsTypes() throws Exception {
        byte[] object;
        try (InputStream in = Sensor.class.getResourceAsStream(Sensor.OBJECT)) {
            assertThat(in).isNotNull();
            object = in.readAllBytes();
        }
        assertThat(object).startsWith(0x7f, 'E', 'L', 'F');
        int machine = (object[18] & 0xff) | (object[19] & 0xff) << 8;
        assertThat(machine).as("e_machine EM_BPF").isEqualTo(247);
        // CO-RE relocations need the program's BTF: the build strips DWARF only
        assertThat(new String(object, StandardCharsets.ISO_8859_1)).contains(".BTF", ".BTF.ext");
    }
}
