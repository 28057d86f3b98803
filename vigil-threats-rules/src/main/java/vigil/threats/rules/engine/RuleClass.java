package vigil.threats.rules.engine;

import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.CD_boolean;
import static java.lang.constant.ConstantDescs.INIT_NAME;
import static java.lang.constant.ConstantDescs.MTD_void;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.DynamicConstantDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandles;
import java.util.ArrayList;
import java.util.List;
import vigil.threats.rules.event.Event;

/**
 * A rule's condition as a class of its own (ADR 0044): its {@code &&}, {@code ||} and {@code !} become the branches
 * of one method, and each other condition is a constant of that class, called directly. With closures, every
 * operator was a call through an interface that all rules share, which the JIT could neither predict nor inline; a
 * call on a constant is to one known class, and is inlined.
 */
final class RuleClass {
    private static final ClassDesc EVALUATOR =
            Evaluator.class.describeConstable().orElseThrow();
    private static final ClassDesc EVENT = Event.class.describeConstable().orElseThrow();
    private static final ClassDesc SCOPE = Scope.class.describeConstable().orElseThrow();
    private static final MethodTypeDesc MATCHES = MethodTypeDesc.of(CD_boolean, EVENT, SCOPE);
    private static final ClassDesc NAME = ClassDesc.of(RuleClass.class.getPackageName() + ".Rule");
    private static final MethodHandles.Lookup LOOKUP = MethodHandles.lookup();
    private static final ClassFile CLASS_FILE = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(
            ClassHierarchyResolver.ofClassLoading(RuleClass.class.getClassLoader())));

    /** {@code -Dvigil.rules.generate=false} keeps the closures: to compare the two, and a way out should one fail. */
    private static final boolean GENERATE = !"false".equals(System.getProperty("vigil.rules.generate"));

    private RuleClass() {}

    /** The condition as a generated class, or itself when it has no logical operator to generate. */
    static Evaluator of(Evaluator condition) {
        if (!GENERATE || !(condition instanceof Logic)) {
            return condition;
        }
        List<Evaluator> leaves = new ArrayList<>();
        byte[] bytes = CLASS_FILE.build(NAME, type -> {
            type.withFlags(ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL | ClassFile.ACC_SUPER);
            type.withInterfaceSymbols(EVALUATOR);
            type.withMethodBody(
                    INIT_NAME,
                    MTD_void,
                    ClassFile.ACC_PUBLIC,
                    code -> code.aload(0)
                            .invokespecial(CD_Object, INIT_NAME, MTD_void)
                            .return_());
            type.withMethodBody("matches", MATCHES, ClassFile.ACC_PUBLIC, code -> {
                Label yes = code.newLabel();
                Label no = code.newLabel();
                branch(code, condition, yes, no, leaves);
                code.labelBinding(yes).iconst_1().ireturn();
                code.labelBinding(no).iconst_0().ireturn();
            });
        });
        try {
            return (Evaluator) LOOKUP.defineHiddenClassWithClassData(bytes, List.copyOf(leaves), true)
                    .lookupClass()
                    .getConstructor()
                    .newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("could not define a rule's class", e);
        }
    }

    /** Code that goes to {@code yes} when {@code condition} holds, else to {@code no}. */
    private static void branch(CodeBuilder code, Evaluator condition, Label yes, Label no, List<Evaluator> leaves) {
        switch (condition) {
            case Logic.And and -> {
                Label right = code.newLabel();
                branch(code, and.left(), right, no, leaves);
                code.labelBinding(right);
                branch(code, and.right(), yes, no, leaves);
            }
            case Logic.Or or -> {
                Label right = code.newLabel();
                branch(code, or.left(), yes, right, leaves);
                code.labelBinding(right);
                branch(code, or.right(), yes, no, leaves);
            }
            case Logic.Not not -> branch(code, not.operand(), no, yes, leaves);
            default -> {
                // the condition is the class's constant: a call on it is to one known class, which the JIT inlines
                code.ldc(DynamicConstantDesc.ofNamed(
                                ConstantDescs.BSM_CLASS_DATA_AT, ConstantDescs.DEFAULT_NAME, EVALUATOR, leaves.size()))
                        .aload(1)
                        .aload(2)
                        .invokeinterface(EVALUATOR, "matches", MATCHES)
                        .ifeq(no)
                        .goto_(yes);
                leaves.add(condition);
            }
        }
    }
}
