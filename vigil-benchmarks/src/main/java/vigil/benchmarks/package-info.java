/** JMH benchmarks of the hot paths of a scan. */
@NullMarked
package vigil.benchmarks;

import org.jspecify.annotations.NullMarked;
