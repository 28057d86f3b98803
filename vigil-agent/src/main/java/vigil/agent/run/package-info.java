/** The running agent: its identity, the on-disk spool, the uploader, and the schedule that ties them together. */
@NullMarked
package vigil.agent.run;

import org.jspecify.annotations.NullMarked;
