/** The kernel sensor: its eBPF program loaded through libbpf, and the records it sends. */
@NullMarked
package vigil.threats.sensor;

import org.jspecify.annotations.NullMarked;
