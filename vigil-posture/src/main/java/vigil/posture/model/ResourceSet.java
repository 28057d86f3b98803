package vigil.posture.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The resources of one scan, by id, so relations can be followed. A second resource with an id already present
 * replaces nothing: it is refused, since two resources under one id would make a relation ambiguous.
 */
public final class ResourceSet {
    private final Map<String, Resource> byId = new LinkedHashMap<>();

    public ResourceSet() {}

    public static ResourceSet of(Collection<Resource> resources) {
        ResourceSet set = new ResourceSet();
        resources.forEach(set::add);
        return set;
    }

    /** Adds a resource; false (and nothing changed) when its id is already taken. */
    public boolean add(Resource resource) {
        return byId.putIfAbsent(resource.id(), resource) == null;
    }

    public @Nullable Resource get(String id) {
        return byId.get(id);
    }

    public Collection<Resource> all() {
        return byId.values();
    }

    public int size() {
        return byId.size();
    }

    /** The attributes of each relation's targets, by relation kind, as rules read them under {@code related}. */
    public Map<String, Object> related(Resource resource) {
        if (resource.relations().isEmpty()) {
            return Map.of();
        }
        Map<String, List<Object>> related = new LinkedHashMap<>();
        for (Relation relation : resource.relations()) {
            List<Object> targets = related.computeIfAbsent(relation.kind(), kind -> new ArrayList<>());
            Resource target = byId.get(relation.targetId());
            if (target != null) {
                targets.add(target.attributes());
            }
        }
        Map<String, Object> view = new LinkedHashMap<>();
        related.forEach((kind, targets) -> view.put(kind, List.copyOf(targets)));
        return view;
    }
}
