/** The server's relational store: SQLite by default, PostgreSQL for scale-out, one set of Flyway migrations. */
@NullMarked
package vigil.server.store;

import org.jspecify.annotations.NullMarked;
