/** The batch envelope's vocabulary, shared by what sends batches (the agent, a scan) and the server that reads them. */
@NullMarked
package vigil.model.batch;

import org.jspecify.annotations.NullMarked;
