package vigil.threats.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import vigil.threats.rules.event.Event;
import vigil.threats.rules.event.EventBuilder;
import vigil.threats.rules.event.FieldCatalog;
import vigil.threats.rules.policy.DefaultPolicyTest;
import vigil.threats.rules.policy.RuleSet;
import vigil.threats.rules.policy.SensorProfile;

class RuleIndexTest {
    private static final String[] DIRECTORIES = {
        "/etc",
        "/etc/ssl/certs",
        "/etc/pam.d",
        "/home/dev",
        "/home/dev/.ssh",
        "/root/.aws",
        "/usr/bin",
        "/tmp",
        "/proc/1",
        "/var/spool/cron",
        "/etc/cron.d",
        "/lib/modules/6.1",
        "/etc/udev/rules.d",
        "/var/www"
    };
    private static final String[] NAMES = {
        "passwd",
        "shadow",
        "id_rsa",
        "credentials",
        "config",
        "authorized_keys",
        "environ",
        "x.ko",
        "README.txt",
        "RECOVER_FILES.txt",
        ".bashrc",
        "sudoers",
        "crontab",
        "a.lock",
        "release_agent"
    };

    /**
     * What an index remembers of recent values changes nothing: one index over 1,500 events of some 600 paths (its 512 memo
     * slots overwritten many times over) gives every event the candidates a fresh index gives it.
     */
    @Test
    void rememberedApprovalsAreTheApprovalsAFreshIndexFinds() throws Exception {
        RuleSet set = DefaultPolicyTest.load(SensorProfile.linuxTracepoints());
        List<Compiler.Compiled> open = new ArrayList<>();
        set.rules()
                .forEach(rule -> rule.variants().stream()
                        .filter(variant -> variant.eventType().equals("open"))
                        .forEach(open::add));
        RuleIndex<Compiler.Compiled> shared = new RuleIndex<>(open, compiled -> compiled);
        long[] marks = shared.newMarks();
        EventBuilder builder = new EventBuilder(FieldCatalog.linux());
        SplittableRandom random = new SplittableRandom(7);
        int[] out = new int[open.size()];
        int[] expected = new int[open.size()];
        int approvedSome = 0;
        for (int i = 0; i < 1500; i++) {
            String directory = DIRECTORIES[random.nextInt(DIRECTORIES.length)];
            String name = random.nextInt(4) == 0 ? "f" + random.nextInt(3000) : NAMES[random.nextInt(NAMES.length)];
            Event event = builder.build(
                    "open",
                    Map.of(
                            "open.file.path",
                            directory + "/" + name,
                            "open.file.name",
                            name,
                            "open.flags",
                            (long) (random.nextBoolean() ? 0101 : 0),
                            "process.comm",
                            random.nextBoolean() ? "redis-server" : "bash"));
            int count = shared.candidates(event, marks, out);
            RuleIndex<Compiler.Compiled> fresh = new RuleIndex<>(open, compiled -> compiled);
            int want = fresh.candidates(event, fresh.newMarks(), expected);
            assertThat(Arrays.copyOf(out, count))
                    .as(
                            "%s",
                            event.value(
                                    FieldCatalog.linux().find("open.file.path").orElseThrow()))
                    .isEqualTo(Arrays.copyOf(expected, want));
            if (count > shared.unapproved()) {
                approvedSome++;
            }
        }
        assertThat(approvedSome).isGreaterThan(150);
    }
}
