package vigil.threats.sensor;

/**
 * A controlling terminal's name from its device number ({@code tty_nr} in {@code /proc/PID/stat}), as the kernel
 * names it in {@code tty->name} and the sensor's exec records carry it: {@code pts0}, {@code tty1}, {@code ttyS0}.
 */
final class Terminals {
    private Terminals() {}

    /** The name of terminal {@code device} ({@code major << 8 | minor}, with the minor's high bits above 20), "" for none. */
    static String name(int device) {
        if (device == 0) {
            return "";
        }
        int major = (device >>> 8) & 0xfff;
        int minor = (device & 0xff) | ((device >>> 12) & 0xfff00);
        if (major >= 136 && major <= 143) {
            return "pts" + ((major - 136) * 256 + minor); // Unix98 pseudo-terminal slaves
        }
        if (major == 4) {
            return minor < 64 ? "tty" + minor : "ttyS" + (minor - 64);
        }
        if (major == 5 && minor == 0) {
            return "tty";
        }
        if (major == 5 && minor == 1) {
            return "console";
        }
        return "tty(" + major + ":" + minor + ")";
    }
}
