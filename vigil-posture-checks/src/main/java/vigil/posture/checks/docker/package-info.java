/** Docker read into posture resources: the daemon (Engine API, daemon.json, its flags), its containers and files. */
@NullMarked
package vigil.posture.checks.docker;

import org.jspecify.annotations.NullMarked;
