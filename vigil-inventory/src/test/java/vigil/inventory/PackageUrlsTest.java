package vigil.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import vigil.model.OperatingSystem;
import vigil.model.OsFamily;
import vigil.model.PackageType;

class PackageUrlsTest {
    @Test
    void debianAndRpmPackagesAsTrivyWritesThem() {
        OperatingSystem debian = new OperatingSystem(OsFamily.DEBIAN, "12", "Debian GNU/Linux 12 (bookworm)");
        assertThat(PackageUrls.of(PackageType.DEB, debian, "debian", "libc6", "2.36-9+deb12u4", "amd64", null))
                .isEqualTo("pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12");
        assertThat(PackageUrls.of(PackageType.DEB, debian, "debian", "libGL", "1:1.2~rc1", "amd64", 1))
                .isEqualTo("pkg:deb/debian/libgl@1%3A1.2~rc1?arch=amd64&distro=debian-12");
        assertThat(PackageUrls.of(PackageType.DEB, null, "debian", "g++", "4:12.2.0-3", null, null))
                .isEqualTo("pkg:deb/debian/g%2B%2B@4%3A12.2.0-3");
        assertThat(PackageUrls.of(PackageType.RPM, null, "rpm", "bash", "1:5.1.8-6.el9", "x86_64", 1))
                .isEqualTo("pkg:rpm/rpm/bash@5.1.8-6.el9?arch=x86_64&epoch=1");
    }

    /** The direct text is packageurl-java's, whenever it is written: a property over random components. */
    @Test
    void thePlainTextIsTheLibrarysCanonicalOne() {
        String alphabet = "abzAZ09.-_~+:/@?#%& é";
        Random random = new Random(35);
        int plain = 0;
        for (int run = 0; run < 20_000; run++) {
            String type = random.nextInt(4) == 0 ? "rpm" : "deb";
            String namespace = random.nextInt(3) == 0 ? text(random, alphabet) : "debian";
            String name = text(random, alphabet);
            String version = text(random, alphabet);
            TreeMap<String, String> qualifiers = new TreeMap<>();
            if (random.nextBoolean()) {
                qualifiers.put("arch", random.nextBoolean() ? "amd64" : text(random, alphabet));
            }
            if (random.nextBoolean()) {
                qualifiers.put("distro", random.nextBoolean() ? "debian-12.5" : text(random, alphabet));
            }
            String direct = PackageUrls.plain(type, namespace, name, version, qualifiers);
            if (direct != null) {
                plain++;
                assertThat(direct)
                        .as("%s %s %s %s %s", type, namespace, name, version, qualifiers)
                        .isEqualTo(PackageUrls.canonical(type, namespace, name, version, qualifiers, version));
            }
        }
        assertThat(plain).as("runs written directly").isGreaterThan(1_000);
    }

    /** Mostly unreserved characters, so that a good share of the texts are written directly. */
    private static String text(Random random, String alphabet) {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(7);
        for (int i = 0; i < length; i++) {
            text.append(
                    random.nextInt(4) == 0
                            ? alphabet.charAt(random.nextInt(alphabet.length()))
                            : "abc019.-_~+:".charAt(random.nextInt(12)));
        }
        return text.toString();
    }
}
