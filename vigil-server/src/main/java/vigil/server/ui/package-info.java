/** The web UI: server-rendered pages (setup, findings, vulnerabilities, resources) with htmx and SVG charts. */
@NullMarked
package vigil.server.ui;

import org.jspecify.annotations.NullMarked;
