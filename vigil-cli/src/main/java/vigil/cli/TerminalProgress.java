package vigil.cli;

import java.io.PrintWriter;
import vigil.model.ProgressListener;

/** A one-line progress bar on standard error, redrawn at most ten times a second. */
final class TerminalProgress implements ProgressListener {
    private static final int WIDTH = 30;
    private final PrintWriter err;
    private String step = "";
    private long total = -1;
    private long done;
    private long lastDraw;

    TerminalProgress(PrintWriter err) {
        this.err = err;
    }

    /** A bar when a person watches standard error, otherwise nothing. */
    static ProgressListener forConsole(boolean quiet) {
        return !quiet && Console.interactiveErr() ? new TerminalProgress(Console.err()) : ProgressListener.NONE;
    }

    @Override
    public void begin(String newStep, long newTotal) {
        step = newStep;
        total = newTotal;
        done = 0;
        lastDraw = 0;
        draw(true);
    }

    @Override
    public void advance(long amount) {
        done += amount;
        draw(false);
    }

    @Override
    public void end() {
        if (total > 0) {
            done = total;
        }
        draw(true);
        err.print("\r\033[2K");
        err.flush();
    }

    private void draw(boolean force) {
        long now = System.nanoTime();
        if (!force && now - lastDraw < 100_000_000L) {
            return;
        }
        lastDraw = now;
        StringBuilder line = new StringBuilder("\r\033[2K").append(step);
        if (total > 0) {
            int filled = (int) Math.min(WIDTH, done * WIDTH / total);
            line.append(" [")
                    .append("#".repeat(filled))
                    .append(" ".repeat(WIDTH - filled))
                    .append("] ")
                    .append(done * 100 / total)
                    .append('%');
        } else if (done > 0) {
            line.append(' ').append(done);
        }
        err.print(line);
        err.flush();
    }
}
