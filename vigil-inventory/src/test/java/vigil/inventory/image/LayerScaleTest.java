package vigil.inventory.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vigil.model.ProgressListener;

/**
 * A layer with very many entries is applied in time proportional to its entries, with a constant number of file
 * system calls per entry. {@code -Dvigil.image.entries=1000000} measures the case from the hardening issue.
 */
class LayerScaleTest {
    private static final int ENTRIES = Integer.getInteger("vigil.image.entries", 100_000);

    @TempDir
    Path temp;

    @Test
    void manyEntriesApplyQuickly() throws Exception {
        Path layer = temp.resolve("layer.tar.gz");
        int perDirectory = 1000;
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(layer), 1 << 16);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            int written = 0;
            for (int d = 0; written < ENTRIES; d++) {
                tar.putArchiveEntry(new TarArchiveEntry("usr/share/d" + d + "/"));
                tar.closeArchiveEntry();
                written++;
                for (int f = 0; f < perDirectory - 1 && written < ENTRIES; f++, written++) {
                    TarArchiveEntry file = new TarArchiveEntry("usr/share/d" + d + "/file" + f);
                    file.setSize(0);
                    tar.putArchiveEntry(file);
                    tar.closeArchiveEntry();
                }
            }
        }
        Path image = TestImages.dockerArchive(temp.resolve("many.tar"), "many:1", Files.readAllBytes(layer));
        Path work = Files.createDirectories(temp.resolve("work"));
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long readStart = threads.getCurrentThreadCpuTime();
        long read = 0;
        try (var tar = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
                new java.util.zip.GZIPInputStream(Files.newInputStream(layer), 1 << 16))) {
            while (tar.getNextEntry() != null) {
                read++;
            }
        }
        Duration readCpu = Duration.ofNanos(threads.getCurrentThreadCpuTime() - readStart);
        assertThat(read).isEqualTo(ENTRIES);
        long start = System.nanoTime();
        long cpuStart = threads.getCurrentThreadCpuTime();
        try (ImageRootFs root = ImageOpener.open(
                image,
                path -> path.equals("/etc/os-release"),
                null,
                ImageLimits.defaults(),
                ProgressListener.NONE,
                work)) {
            assertThat(root.list("/usr/share")).isNotEmpty();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        Duration cpu = Duration.ofNanos(threads.getCurrentThreadCpuTime() - cpuStart);
        System.out.println("LayerScaleTest: " + ENTRIES + " entries applied in " + took.toMillis() + " ms ("
                + cpu.toMillis() + " ms CPU); reading the same layer alone takes " + readCpu.toMillis() + " ms CPU");
        // The machine's load changes wall-clock times tenfold, so the bound is on CPU time, relative to merely
        // reading the layer: applying costs a few lookups and at most one system call per entry (measured: 1.4 times
        // the reading; the old applier, with about ten failing lstat calls per entry, took more than ten times).
        assertThat(cpu).isLessThan(readCpu.multipliedBy(4).plusSeconds(1));
    }
}
