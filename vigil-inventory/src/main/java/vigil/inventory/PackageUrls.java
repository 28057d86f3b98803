package vigil.inventory;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import vigil.model.OperatingSystem;
import vigil.model.PackageType;

/** Builds the package URLs of OS packages, as Trivy and Syft write them. */
public final class PackageUrls {
    private PackageUrls() {}

    /**
     * {@code pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12}; the namespace is the OS family's
     * when known, else {@code fallbackNamespace}.
     *
     * @param fullVersion the version as {@link vigil.model.InstalledPackage#evr()} writes it; an rpm epoch goes to
     *     the {@code epoch} qualifier instead, as the purl spec asks
     */
    public static String of(
            PackageType type,
            @Nullable OperatingSystem os,
            String fallbackNamespace,
            String name,
            String fullVersion,
            @Nullable String arch,
            @Nullable Integer epoch) {
        TreeMap<String, String> qualifiers = new TreeMap<>();
        String version = fullVersion;
        if (type == PackageType.RPM && epoch != null && epoch != 0) {
            qualifiers.put("epoch", epoch.toString());
            int colon = version.indexOf(':');
            if (colon >= 0) {
                version = version.substring(colon + 1);
            }
        }
        if (arch != null && !arch.isEmpty()) {
            qualifiers.put("arch", arch);
        }
        if (os != null) {
            qualifiers.put("distro", os.purlDistro());
        }
        String namespace = os != null ? os.family().purlNamespace() : fallbackNamespace;
        String plain = plain(type.purlType(), namespace, name, version, qualifiers);
        return plain != null ? plain : canonical(type.purlType(), namespace, name, version, qualifiers, fullVersion);
    }

    /** The package URL as packageurl-java canonicalizes it (which validates, lower-cases and percent-encodes). */
    static String canonical(
            String type,
            String namespace,
            String name,
            String version,
            TreeMap<String, String> qualifiers,
            String fullVersion) {
        try {
            return new PackageURL(type, namespace, name, version, qualifiers, null).canonicalize();
        } catch (MalformedPackageURLException e) {
            throw new InventoryException(
                    "cannot build a package URL for " + name + " " + fullVersion + ": " + e.getMessage(), e);
        }
    }

    /**
     * The same text as {@link #canonical}, written directly when nothing in it needs validating, lower-casing or
     * encoding beyond {@code :} and {@code +} in a name or version (every package of a usual host): packageurl-java took
     * 30 µs a package, a tenth of a scan's inventory. Null otherwise; {@code PackageUrlsTest} holds the two equal.
     */
    static @Nullable String plain(
            String type, String namespace, String name, String version, TreeMap<String, String> qualifiers) {
        if (!plain(type, false) || !plain(namespace, false)) {
            return null;
        }
        StringBuilder purl = new StringBuilder(48 + name.length() + version.length())
                .append("pkg:")
                .append(type)
                .append('/')
                .append(namespace)
                .append('/');
        if (!encoded(purl, name, false)) {
            return null;
        }
        purl.append('@');
        if (!encoded(purl, version, true)) {
            return null;
        }
        char separator = '?';
        for (var qualifier : qualifiers.entrySet()) {
            if (!plain(qualifier.getKey(), false) || !plain(qualifier.getValue(), false)) {
                return null;
            }
            purl.append(separator).append(qualifier.getKey()).append('=').append(qualifier.getValue());
            separator = '&';
        }
        return purl.toString();
    }

    /**
     * Appends non-empty {@code text} of unreserved characters, {@code :} and {@code +} (encoded as the library
     * encodes them; upper-case letters only when {@code upper}); false, having appended part of it, otherwise.
     */
    private static boolean encoded(StringBuilder purl, String text, boolean upper) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ':') {
                purl.append("%3A");
            } else if (c == '+') {
                purl.append("%2B");
            } else if (unreserved(c, upper)) {
                purl.append(c);
            } else {
                return false;
            }
        }
        return true;
    }

    /** Non-empty, of unreserved characters only (lower-case letters only, unless {@code upper}). */
    private static boolean plain(String text, boolean upper) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (!unreserved(text.charAt(i), upper)) {
                return false;
            }
        }
        return true;
    }

    /** RFC 3986's unreserved characters, which a package URL never encodes. */
    private static boolean unreserved(char c, boolean upper) {
        return (c >= 'a' && c <= 'z')
                || (c >= '0' && c <= '9')
                || c == '.'
                || c == '-'
                || c == '_'
                || c == '~'
                || (upper && c >= 'A' && c <= 'Z');
    }
}
