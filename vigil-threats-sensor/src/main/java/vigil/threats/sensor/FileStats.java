package vigil.threats.sensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;

/** A file's inode as {@link SensorRecord.FileStat}, read in user space (for processes the sensor did not see start). */
final class FileStats {
    private FileStats() {}

    /**
     * The inode {@code path} names, following links ({@code /proc/PID/exe} gives the executable itself); the mount id
     * and file system are not read here. {@code NONE} when it cannot be read.
     */
    static SensorRecord.FileStat of(Path path) {
        try {
            Map<String, Object> a = Files.readAttributes(path, "unix:ino,mode,uid,gid,lastModifiedTime,ctime");
            if (!(a.get("ino") instanceof Long ino)
                    || !(a.get("mode") instanceof Integer mode)
                    || !(a.get("uid") instanceof Integer uid)
                    || !(a.get("gid") instanceof Integer gid)
                    || !(a.get("lastModifiedTime") instanceof FileTime modified)
                    || !(a.get("ctime") instanceof FileTime changed)) {
                return SensorRecord.FileStat.NONE;
            }
            return new SensorRecord.FileStat(ino, mode, uid, gid, nanos(modified), nanos(changed), 0, "", false);
        } catch (IOException | RuntimeException e) {
            return SensorRecord.FileStat.NONE;
        }
    }

    private static long nanos(FileTime time) {
        java.time.Instant instant = time.toInstant();
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }
}
