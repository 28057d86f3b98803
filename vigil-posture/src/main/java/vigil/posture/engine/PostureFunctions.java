package vigil.posture.engine;

import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import java.util.List;

/**
 * The functions posture rules add to CEL's standard library, for what CEL cannot say by itself (it has no bitwise
 * operators, and no notion of an address range):
 *
 * <ul>
 *   <li>{@code mode_within(mode, "644")}: no permission bit is set beyond the octal mask (a file mode 0600 is within
 *       644, 0664 is not), as CIS's "permissions 644 or more restrictive" means
 *   <li>{@code is_open_cidr("0.0.0.0/0")}: the range is the whole IPv4 or IPv6 internet
 * </ul>
 */
final class PostureFunctions {
    private PostureFunctions() {}

    static List<CelFunctionDecl> declarations() {
        return List.of(
                CelFunctionDecl.newFunctionDeclaration(
                        "mode_within",
                        CelOverloadDecl.newGlobalOverload(
                                "mode_within_int_string", SimpleType.BOOL, SimpleType.INT, SimpleType.STRING)),
                CelFunctionDecl.newFunctionDeclaration(
                        "is_open_cidr",
                        CelOverloadDecl.newGlobalOverload("is_open_cidr_string", SimpleType.BOOL, SimpleType.STRING)));
    }

    static List<CelFunctionBinding> bindings() {
        return List.of(
                CelFunctionBinding.from(
                        "mode_within_int_string", Long.class, String.class, PostureFunctions::modeWithin),
                CelFunctionBinding.from("is_open_cidr_string", String.class, PostureFunctions::isOpenCidr));
    }

    static boolean modeWithin(Long mode, String mask) throws CelEvaluationException {
        long allowed;
        try {
            allowed = Long.parseLong(mask, 8);
        } catch (NumberFormatException e) {
            throw new CelEvaluationException("mode_within: '" + mask + "' is not an octal mode such as \"644\"");
        }
        return (mode & 07777 & ~allowed) == 0;
    }

    static boolean isOpenCidr(String cidr) {
        String trimmed = cidr.strip();
        return trimmed.equals("0.0.0.0/0") || trimmed.equals("::/0") || trimmed.equals("*");
    }
}
