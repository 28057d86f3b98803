package vigil.server.wing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vigil.features.matrix.Capability;
import vigil.server.http.ApiRoute;
import vigil.server.ui.UiWing;

/** The wings on the class path, started: what the core's intake, web UI and background work take from them. */
public final class Wings implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Wings.class);

    private final List<StartedWing> started;
    private final Set<Capability> built;
    private final Map<String, SectionHandler> sections;

    private Wings(List<StartedWing> started, Set<Capability> built) {
        this.started = List.copyOf(started);
        this.built = Set.copyOf(built);
        Map<String, SectionHandler> bySection = new HashMap<>();
        for (StartedWing wing : started) {
            for (SectionHandler handler : wing.sections()) {
                if (bySection.putIfAbsent(handler.section(), handler) != null) {
                    throw new IllegalStateException("two wings store the batch section '" + handler.section()
                            + "': each section belongs to one wing");
                }
            }
        }
        this.sections = Map.copyOf(bySection);
    }

    /** Starts every wing found with {@link ServiceLoader}; one that fails to start stops the ones started before. */
    public static Wings start(WingContext context) throws IOException {
        List<Wing> found = new ArrayList<>();
        ServiceLoader.load(Wing.class, Wings.class.getClassLoader()).forEach(found::add);
        return start(found, context);
    }

    /** Starts the given wings (tests start a chosen set). */
    public static Wings start(List<Wing> wings, WingContext context) throws IOException {
        List<StartedWing> started = new ArrayList<>();
        Set<Capability> built = EnumSet.noneOf(Capability.class);
        try {
            for (Wing wing : wings) {
                if (!built.add(wing.capability())) {
                    throw new IllegalStateException("two wings build " + wing.capability());
                }
                started.add(wing.start(context));
            }
            return new Wings(started, built);
        } catch (IOException | RuntimeException e) {
            closeAll(started);
            throw e;
        }
    }

    /** The capabilities some wing builds. */
    public Set<Capability> built() {
        return built;
    }

    /** The handler of each batch section, by section name. */
    public Map<String, SectionHandler> sections() {
        return sections;
    }

    public List<UiWing> ui() {
        return started.stream().flatMap(wing -> wing.ui().stream()).toList();
    }

    /** The wings' API routes (ADR 0046). */
    public List<ApiRoute> api() {
        return started.stream().flatMap(wing -> wing.api().stream()).toList();
    }

    public List<BackgroundTask> tasks() {
        return started.stream().flatMap(wing -> wing.tasks().stream()).toList();
    }

    /** Every wing evaluates what it keeps again; the findings stored. */
    public int reevaluate() {
        int total = 0;
        for (StartedWing wing : started) {
            total += wing.reevaluate();
        }
        return total;
    }

    @Override
    public void close() {
        closeAll(started);
    }

    private static void closeAll(List<StartedWing> wings) {
        for (StartedWing wing : wings) {
            try {
                wing.close();
            } catch (IOException | RuntimeException e) {
                LOG.warn("a wing did not close cleanly: {}", e.toString());
            }
        }
    }
}
