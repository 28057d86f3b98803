package vigil.server.findings;

import org.jdbi.v3.core.Handle;
import org.jspecify.annotations.Nullable;

/**
 * One statement run for many rows through plain JDBC with positional parameters: binding Jdbi's named parameters
 * row by row took a third of the time of inserting a new host's thousands of findings. A null stands for a text
 * column's NULL (the only nullable values these statements take). Errors surface as Jdbi's, like every other
 * statement's, for the callers that tell a unique-key clash or a deadlock from other failures.
 */
final class RowBatch {
    private final java.sql.PreparedStatement statement;
    private int rows;

    RowBatch(Handle handle, String sql) {
        try {
            this.statement = handle.getConnection().prepareStatement(sql);
        } catch (java.sql.SQLException e) {
            throw new org.jdbi.v3.core.statement.UnableToExecuteStatementException(e, null);
        }
        handle.addCleanable(statement::close);
    }

    void add(@Nullable Object... values) {
        try {
            for (int i = 0; i < values.length; i++) {
                Object value = values[i];
                switch (value) {
                    case null -> statement.setNull(i + 1, java.sql.Types.VARCHAR);
                    case String text -> statement.setString(i + 1, text);
                    case Integer number -> statement.setInt(i + 1, number);
                    case Long number -> statement.setLong(i + 1, number);
                    default -> throw new IllegalArgumentException("no binding for " + value.getClass());
                }
            }
            statement.addBatch();
            rows++;
        } catch (java.sql.SQLException e) {
            throw new org.jdbi.v3.core.statement.UnableToExecuteStatementException(e, null);
        }
    }

    void execute() {
        if (rows == 0) {
            return;
        }
        try {
            statement.executeBatch();
            rows = 0;
        } catch (java.sql.SQLException e) {
            throw new org.jdbi.v3.core.statement.UnableToExecuteStatementException(e, null);
        }
    }
}
