package vigil.threats.rules.engine;

import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.CD_boolean;
import static java.lang.constant.ConstantDescs.CD_void;

import java.lang.classfile.ClassFile;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.DynamicConstantDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * A class of its own for each compiled rule: a hidden class whose one method calls the rule's evaluator held as a
 * constant of the class. The evaluators are closures shared by every rule, so a call between a rule's conditions
 * goes through an interface the JIT sees many classes behind and cannot inline; from a constant root, it follows
 * the closures' captured fields (constants too: lambdas are hidden classes, whose final fields the JIT trusts) and
 * compiles the rule's whole tree as one method.
 */
final class RuleClasses {
    private static final ClassDesc EVALUATOR = ClassDesc.of(Evaluator.class.getName());
    private static final ClassDesc EVENT = ClassDesc.of("vigil.threats.rules.event.Event");
    private static final ClassDesc SCOPE = ClassDesc.of(Scope.class.getName());
    private static final MethodTypeDesc MATCHES = MethodTypeDesc.of(CD_boolean, EVENT, SCOPE);
    private static final byte[] BYTES = bytes();

    private RuleClasses() {}

    private static byte[] bytes() {
        ClassDesc self = ClassDesc.of(RuleClasses.class.getPackageName() + ".CompiledRule");
        DynamicConstantDesc<Object> root =
                DynamicConstantDesc.ofNamed(ConstantDescs.BSM_CLASS_DATA, ConstantDescs.DEFAULT_NAME, EVALUATOR);
        return ClassFile.of()
                .build(
                        self,
                        clazz -> clazz.withFlags(ClassFile.ACC_FINAL | ClassFile.ACC_SYNTHETIC)
                                .withInterfaceSymbols(EVALUATOR)
                                .withMethodBody(
                                        ConstantDescs.INIT_NAME,
                                        MethodTypeDesc.of(CD_void),
                                        ClassFile.ACC_PUBLIC,
                                        code -> code.aload(0)
                                                .invokespecial(
                                                        CD_Object, ConstantDescs.INIT_NAME, MethodTypeDesc.of(CD_void))
                                                .return_())
                                .withMethodBody(
                                        "matches",
                                        MATCHES,
                                        ClassFile.ACC_PUBLIC,
                                        code -> code.ldc(root)
                                                .aload(1)
                                                .aload(2)
                                                .invokeinterface(EVALUATOR, "matches", MATCHES)
                                                .ireturn()));
    }

    /** {@code root} behind a class of its own; {@code root} itself if the class cannot be made. */
    static Evaluator of(Evaluator root) {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup().defineHiddenClassWithClassData(BYTES, root, true);
            return (Evaluator) lookup.findConstructor(lookup.lookupClass(), MethodType.methodType(void.class))
                    .invoke();
        } catch (Throwable e) {
            // only an optimisation: a JVM that refuses hidden classes still runs the closures
            return root;
        }
    }
}
