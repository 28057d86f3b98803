package vigil.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vigil.server.tls.TlsMaterial;

/** HTTPS with a certificate made by the real openssl; plain HTTP is not served at all. */
class TlsIT {
    @TempDir
    Path temp;

    private void openssl(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "openssl";
        System.arraycopy(args, 0, command, 1, args.length);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as(out).isZero();
    }

    @Test
    void servesHttpsWithAPemCertificateAndNothingInClearText() throws Exception {
        Path cert = temp.resolve("cert.pem");
        Path key = temp.resolve("key.pem");
        openssl(
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                key.toString(),
                "-out",
                cert.toString(),
                "-days",
                "2",
                "-subj",
                "/CN=localhost",
                "-addext",
                "subjectAltName=DNS:localhost,IP:127.0.0.1");
        TlsMaterial tls = TlsMaterial.fromPem(cert, key);
        try (VigilServer server = VigilServer.start(
                new VigilServer.Options(temp.resolve("data"), null, "127.0.0.1", 0, tls), Clock.systemUTC())) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            try (FileInputStream in = new FileInputStream(cert.toFile())) {
                trust.setCertificateEntry(
                        "vigil", CertificateFactory.getInstance("X.509").generateCertificate(in));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            HttpClient https = HttpClient.newBuilder().sslContext(context).build();
            HttpResponse<String> health = https.send(
                    HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + "/healthz"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.sslSession()).isPresent();

            assertThatThrownBy(() -> HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/healthz"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString()))
                    .as("clear text on the TLS port gets no answer")
                    .isInstanceOf(java.io.IOException.class);
        }
    }

    @Test
    void badKeyFilesSayWhatIsWrong() throws Exception {
        Path cert = temp.resolve("cert.pem");
        Path key = temp.resolve("key.pem");
        openssl(
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                key.toString(),
                "-out",
                cert.toString(),
                "-days",
                "2",
                "-subj",
                "/CN=localhost");
        java.nio.file.Files.writeString(key, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        assertThatThrownBy(() -> TlsMaterial.fromPem(cert, key)).hasMessageContaining("openssl pkcs8");
    }
}
