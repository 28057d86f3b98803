package vigil.server;

import java.io.OutputStream;
import java.nio.file.Path;
import vigil.server.findings.FindingExport;
import vigil.server.store.Database;

/** Exports an organization's findings to nowhere and prints the bytes written: run with a small heap by a test. */
public final class ExportMain {
    private ExportMain() {}

    public static void main(String[] args) throws Exception {
        try (Database database = Database.open(Path.of(args[0]), args[1].isEmpty() ? null : args[1])) {
            long[] bytes = {0};
            OutputStream counting = new OutputStream() {
                @Override
                public void write(int b) {
                    bytes[0]++;
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    bytes[0] += len;
                }
            };
            new FindingExport(database.jdbi()).write(args[2], null, FindingExport.Format.valueOf(args[3]), counting);
            System.out.println(bytes[0]);
        }
    }
}
