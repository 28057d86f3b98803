package vigil.inventory;

import java.util.List;

/**
 * How many owned-file paths one scan keeps ({@link LimitedFiles#FILE_PATHS_LIMIT}, and their characters): past
 * that, further packages keep no file list and one warning says so. Package databases can claim any number of
 * files (an rpm header's directory names are repeated for each of its files); memory must not follow.
 */
public final class FileListBudget {
    private final long maxPaths;
    private final long maxChars;
    private long paths;
    private long chars;
    private boolean exhausted;

    public FileListBudget(long maxPaths, long maxChars) {
        this.maxPaths = maxPaths;
        this.maxChars = maxChars;
    }

    public static FileListBudget standard() {
        return new FileListBudget(LimitedFiles.FILE_PATHS_LIMIT, LimitedFiles.FILE_PATH_CHARS_LIMIT);
    }

    /** Takes room for one path; false (and a single warning naming {@code source}) once the budget is spent. */
    public boolean take(int length, String source, List<String> warnings) {
        if (exhausted) {
            return false;
        }
        if (paths + 1 > maxPaths || chars + length > maxChars) {
            exhausted = true;
            warnings.add(source + ": more owned files than the " + maxPaths + " paths (" + maxChars
                    + " characters) Vigil keeps for one scan; the file lists of the remaining packages are left out");
            return false;
        }
        paths++;
        chars += length;
        return true;
    }
}
