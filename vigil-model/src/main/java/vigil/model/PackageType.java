package vigil.model;

/** Package ecosystems Vigil inventories; each names its purl type and its version scheme. */
public enum PackageType {
    DEB("deb"),
    RPM("rpm"),
    APK("apk");

    private final String purlType;

    PackageType(String purlType) {
        this.purlType = purlType;
    }

    public String purlType() {
        return purlType;
    }

    public static PackageType fromPurlType(String type) {
        for (PackageType candidate : values()) {
            if (candidate.purlType.equals(type)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("unknown package type '" + type + "' (expected deb, rpm or apk)");
    }
}
