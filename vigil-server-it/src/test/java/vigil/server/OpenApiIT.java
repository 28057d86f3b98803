package vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;
import vigil.server.http.SecuredRoutes;

/** The OpenAPI document in the repository and the routes the server really declares agree, permissions included. */
class OpenApiIT {
    @TempDir
    Path temp;

    @Test
    void everyRouteIsDocumentedWithItsPermissionAndNothingElseIs() throws Exception {
        JsonNode document;
        try (InputStream in = VigilServer.class.getResourceAsStream("openapi.yaml")) {
            document = YAMLMapper.builder().build().readTree(in);
        }
        Set<String> documented = new TreeSet<>();
        for (Map.Entry<String, JsonNode> path : document.path("paths").properties()) {
            for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
                documented.add(operation.getKey().toUpperCase(java.util.Locale.ROOT) + " " + path.getKey() + " "
                        + operation.getValue().path("x-vigil-permission").asString("MISSING"));
            }
        }
        Set<String> declared = new TreeSet<>();
        try (VigilServer server =
                VigilServer.start(new VigilServer.Options(temp, null, "127.0.0.1", 0), Clock.systemUTC())) {
            for (SecuredRoutes.Route route : server.routes()) {
                if (!route.path().startsWith("/api/")
                        && !route.path().startsWith("/intake/")
                        && !route.path().equals("/healthz")) {
                    continue; // the web UI's pages and forms are not part of the API
                }
                declared.add(route.method() + " " + route.path() + " " + route.permission());
            }
        }
        assertThat(declared).isNotEmpty();
        assertThat(documented).isEqualTo(declared);
    }
}
