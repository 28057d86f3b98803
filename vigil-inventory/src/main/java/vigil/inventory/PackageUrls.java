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
        try {
            return new PackageURL(type.purlType(), namespace, name, version, qualifiers, null).canonicalize();
        } catch (MalformedPackageURLException e) {
            throw new InventoryException(
                    "cannot build a package URL for " + name + " " + fullVersion + ": " + e.getMessage(), e);
        }
    }
}
