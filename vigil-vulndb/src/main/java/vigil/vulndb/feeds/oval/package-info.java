/** OVAL definitions of Oracle Linux (ELSA) and Red Hat, read as a stream. */
@NullMarked
package vigil.vulndb.feeds.oval;

import org.jspecify.annotations.NullMarked;
