package vigil.threats.sensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsersTest {
    @Test
    void namesByIdTheFirstOneWinningAndBadLinesSkipped(@TempDir Path etc) throws Exception {
        Files.writeString(etc.resolve("passwd"), """
                root:x:0:0:root:/root:/bin/bash
                # a comment
                toor:x:0:0::/root:/bin/sh
                broken line
                nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
                odd:x:notanumber:0::/:/bin/false
                """);
        Files.writeString(etc.resolve("group"), "root:x:0:\nadm:x:4:syslog\n");
        Users users = new Users(etc);
        assertThat(users.user(0)).isEqualTo("root");
        assertThat(users.user(65534)).isEqualTo("nobody");
        assertThat(users.user(1000)).isNull();
        assertThat(users.group(4)).isEqualTo("adm");
        assertThat(users.group(5)).isNull();
    }

    @Test
    void missingFilesGiveNoNames(@TempDir Path etc) {
        assertThat(new Users(etc).user(0)).isNull();
    }
}
