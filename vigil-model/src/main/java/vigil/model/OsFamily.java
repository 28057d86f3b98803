package vigil.model;

/**
 * Operating-system families of the seed's vulnerability table, plus close relatives Vigil can still scan.
 * {@code id} is Vigil's stable identifier; {@code purlNamespace} is the purl namespace of the family's packages.
 */
public enum OsFamily {
    ALPINE("alpine", "Alpine Linux", PackageType.APK, "alpine"),
    WOLFI("wolfi", "Wolfi", PackageType.APK, "wolfi"),
    CHAINGUARD("chainguard", "Chainguard", PackageType.APK, "chainguard"),
    RHEL("rhel", "Red Hat Enterprise Linux", PackageType.RPM, "redhat"),
    CENTOS("centos", "CentOS", PackageType.RPM, "centos"),
    ALMALINUX("almalinux", "AlmaLinux", PackageType.RPM, "almalinux"),
    ROCKY("rocky", "Rocky Linux", PackageType.RPM, "rocky"),
    ORACLE("oracle", "Oracle Linux", PackageType.RPM, "oracle"),
    MARINER("mariner", "CBL-Mariner / Azure Linux", PackageType.RPM, "mariner"),
    AMAZON("amazon", "Amazon Linux", PackageType.RPM, "amazon"),
    OPENSUSE_LEAP("opensuse-leap", "openSUSE Leap", PackageType.RPM, "opensuse"),
    OPENSUSE_TUMBLEWEED("opensuse-tumbleweed", "openSUSE Tumbleweed", PackageType.RPM, "opensuse"),
    SLES("sles", "SUSE Linux Enterprise", PackageType.RPM, "suse"),
    PHOTON("photon", "Photon OS", PackageType.RPM, "photon"),
    FEDORA("fedora", "Fedora", PackageType.RPM, "fedora"),
    DEBIAN("debian", "Debian GNU/Linux", PackageType.DEB, "debian"),
    UBUNTU("ubuntu", "Ubuntu", PackageType.DEB, "ubuntu");

    private final String id;
    private final String displayName;
    private final PackageType packageType;
    private final String purlNamespace;

    OsFamily(String id, String displayName, PackageType packageType, String purlNamespace) {
        this.id = id;
        this.displayName = displayName;
        this.packageType = packageType;
        this.purlNamespace = purlNamespace;
    }

    public String id() {
        return id;
    }

    public String displayName() {
        return displayName;
    }

    public PackageType packageType() {
        return packageType;
    }

    public String purlNamespace() {
        return purlNamespace;
    }

    public static OsFamily fromId(String id) {
        for (OsFamily family : values()) {
            if (family.id.equals(id)) {
                return family;
            }
        }
        throw new IllegalArgumentException("unknown OS family '" + id + "'");
    }
}
