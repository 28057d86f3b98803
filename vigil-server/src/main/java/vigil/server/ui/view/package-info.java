/**
 * The view models the web UI's templates receive: records of display-ready values, built from store rows by the UI's
 * route classes. Templates see only these (ADR 0032): never a JDBC type, a store row or a request.
 */
@NullMarked
package vigil.server.ui.view;

import org.jspecify.annotations.NullMarked;
