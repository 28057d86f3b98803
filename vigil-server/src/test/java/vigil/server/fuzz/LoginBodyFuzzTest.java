package vigil.server.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import vigil.server.auth.Logins;
import vigil.server.http.LoginBodies;

/**
 * Sign-in bodies come from anyone: whatever the bytes, the parser yields an attempt within the limits (which the
 * server answers 200, 401, 429 or 503) or refuses with 400 or 413, never anything else and never an exception.
 */
class LoginBodyFuzzTest {
    private static void check(Logins.Attempt attempt) {
        assertThat(attempt.email()).isNotBlank().hasSizeLessThanOrEqualTo(320);
        assertThat(attempt.password()).isNotEmpty().hasSizeLessThanOrEqualTo(1024);
        if (attempt.organization() != null) {
            assertThat(attempt.organization()).hasSizeLessThanOrEqualTo(200);
        }
    }

    private static void refused(LoginBodies.Refused expected) {
        assertThat(expected.status()).isIn(400, 413);
        assertThat(expected.getMessage()).isNotBlank();
    }

    @FuzzTest(maxDuration = "10s")
    void jsonBodies(byte[] input) {
        try {
            check(LoginBodies.json(input));
        } catch (LoginBodies.Refused expected) {
            refused(expected);
        }
    }

    @FuzzTest(maxDuration = "10s")
    void formBodies(byte[] input) {
        try {
            check(LoginBodies.formAttempt(LoginBodies.form(input)));
        } catch (LoginBodies.Refused expected) {
            refused(expected);
        }
    }
}
