package vigil.agent.collect;

import java.io.IOException;
import java.util.List;
import tools.jackson.databind.node.ObjectNode;
import vigil.model.batch.SectionType;

/**
 * One kind of data the agent gathers on its host and sends as batch sections (ADR 0031): the host's inventory today
 * ({@link HostInventoryCollector}), signals and posture results later. Its spool policy says what the spool may drop
 * when full.
 */
public interface Collector {
    /** The type of the sections it makes. */
    SectionType section();

    /** What the spool may do with its batches when full. */
    SpoolPolicy policy();

    /** The sections of one batch, each without its {@code type} (the batch maker adds it); none when nothing is new. */
    List<ObjectNode> collect() throws IOException;
}
