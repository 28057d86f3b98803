package vigil.threats.rules.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import vigil.threats.rules.event.Event;
import vigil.threats.rules.event.Field;
import vigil.threats.rules.event.FieldCatalog;
import vigil.threats.rules.event.FieldType;
import vigil.threats.rules.event.IpNet;
import vigil.threats.rules.secl.Expr;
import vigil.threats.rules.secl.Pos;

/**
 * Compiles a SECL expression into an {@link Evaluator}: names are resolved (macro, field, constant, in that order),
 * types are checked, macros are inlined, and the event type the expression is about is found from its fields (one
 * event type per rule, as in the reference).
 */
public final class Compiler {
    private static final String[] NO_STRINGS = {};
    private static final String[] EMPTY_STRING = {""};
    private static final long[] NO_LONGS = {};
    private static final long[] ZERO = {0};
    private static final IpNet[] NO_IPS = {};

    private final FieldCatalog catalog;
    private final Constants constants;
    private final Map<String, Expr> macros;
    private final Map<String, VariableType> variables;

    /** Where a position inside a macro's text is, in its file ({@code file:line:column}), by macro. */
    private final Map<String, java.util.function.Function<Pos, String>> macroPlaces;

    public Compiler(
            FieldCatalog catalog, Constants constants, Map<String, Expr> macros, Map<String, VariableType> variables) {
        this(catalog, constants, macros, variables, Map.of());
    }

    /** With {@code macroPlaces}: an error inside a macro then names the macro's file, line and column. */
    public Compiler(
            FieldCatalog catalog,
            Constants constants,
            Map<String, Expr> macros,
            Map<String, VariableType> variables,
            Map<String, java.util.function.Function<Pos, String>> macroPlaces) {
        this.catalog = catalog;
        this.constants = constants;
        this.macros = Map.copyOf(macros);
        this.variables = Map.copyOf(variables);
        this.macroPlaces = Map.copyOf(macroPlaces);
    }

    /** A compiled rule expression: what it matches, the event type it is about, the fields it reads. */
    public record Compiled(
            Evaluator evaluator,
            String eventType,
            Set<String> fields,
            @Nullable Approver approver,
            Partial partial) {}

    /** A condition compiled alone, and the fields it reads. */
    record Leaf(Evaluator evaluator, Set<String> fields) {}

    /** A condition of a rule compiled alone (null when it uses a register, which binds across the whole rule). */
    @Nullable
    Leaf compileLeaf(Expr expr) throws CompileException {
        Unit unit = new Unit();
        Typed typed = compile(expr, unit);
        if (!(typed instanceof Typed.Bool bool) || unit.register != null) {
            return null;
        }
        return new Leaf(bool.eval(), Set.copyOf(unit.fields));
    }

    /** The state of one compilation: the event types its fields allow, the fields, the macros being expanded. */
    private static final class Unit {
        @Nullable
        Set<String> eventTypes;

        final Set<String> fields = new TreeSet<>();
        final List<String> expanding = new ArrayList<>();

        @Nullable
        String register;

        @Nullable
        String iterator;

        /** The slots whose length is the register's range; for a grouped field, its values' slot when groupless. */
        final java.util.SortedMap<Integer, Integer> registered = new java.util.TreeMap<>();

        /** The whole expression's evaluator: over the register's elements when it has one. */
        Evaluator finish(Evaluator evaluator) {
            return register == null
                    ? evaluator
                    : overElements(
                            evaluator,
                            registered.keySet().stream()
                                    .mapToInt(Integer::intValue)
                                    .toArray(),
                            registered.values().stream()
                                    .mapToInt(Integer::intValue)
                                    .toArray());
        }
    }

    public Compiled compile(Expr expr) throws CompileException {
        Unit unit = new Unit();
        Typed typed = compile(expr, unit);
        if (!(typed instanceof Typed.Bool bool)) {
            throw new CompileException(expr.pos(), "a rule is a condition, not " + Typed.describe(typed));
        }
        if (unit.eventTypes == null) {
            throw new CompileException(
                    expr.pos(), "the expression names no field of an event type (such as exec.file.path)");
        }
        if (unit.eventTypes.size() != 1) {
            throw new CompileException(
                    expr.pos(),
                    "the expression's fields fit several event types: " + String.join(", ", unit.eventTypes));
        }
        String eventType = unit.eventTypes.iterator().next();
        return new Compiled(
                unit.finish(RuleClass.of(bool.eval())),
                eventType,
                unit.fields,
                new ApproverFinder(catalog, macros, this, eventType).find(expr),
                new Partial(() -> new PartialBuilder(this, macros).build(expr, 0)));
    }

    /** A condition that need not name an event's fields: a filter, an action's filter. */
    public Evaluator compileCondition(Expr expr) throws CompileException {
        if (compilePart(expr) instanceof Typed.Bool bool) {
            return bool.eval();
        }
        throw new CompileException(expr.pos(), "a filter must be a condition");
    }

    /** A value: what a set action stores ({@code exec.cgroup.id}, {@code "cgroup_${builtins.uuid4}"}). */
    public ValueReader compileValue(Expr expr) throws CompileException {
        Typed typed = compilePart(expr);
        return switch (typed) {
            case Typed.Strings s -> reader(vigil.threats.rules.event.FieldType.STRING, s.read()::read);
            case Typed.Ints i -> reader(vigil.threats.rules.event.FieldType.INT, i.read()::read);
            case Typed.Ips i -> reader(vigil.threats.rules.event.FieldType.IP, i.read()::read);
            case Typed.Bool b ->
                reader(vigil.threats.rules.event.FieldType.BOOL, (event, scope) ->
                        new boolean[] {b.eval().matches(event, scope)});
            default -> throw new CompileException(expr.pos(), "a value cannot be " + Typed.describe(typed));
        };
    }

    private static ValueReader reader(vigil.threats.rules.event.FieldType type, Typed.Read<?> read) {
        return new ValueReader() {
            @Override
            public vigil.threats.rules.event.FieldType type() {
                return type;
            }

            @Override
            public Object read(Event event, Scope scope) {
                return read.read(event, scope);
            }
        };
    }

    /** Compiles without the one-event-type rule: a macro's body, a filter, an action's value. */
    public Typed compilePart(Expr expr) throws CompileException {
        Unit unit = new Unit();
        Typed typed = compile(expr, unit);
        return typed instanceof Typed.Bool bool ? new Typed.Bool(unit.finish(bool.eval())) : typed;
    }

    private Typed compile(Expr expr, Unit unit) throws CompileException {
        return switch (expr) {
            case Expr.Logical e -> logical(e, unit);
            case Expr.Compare e -> compare(e, unit);
            case Expr.Member e -> member(e, unit);
            case Expr.Arithmetic e -> arithmetic(e.op(), e.left(), e.right(), e.pos(), unit);
            case Expr.Bitwise e -> arithmetic(e.op(), e.left(), e.right(), e.pos(), unit);
            case Expr.Unary e -> unary(e, unit);
            case Expr.Ident e -> ident(e, unit);
            case Expr.Variable e -> variable(e);
            case Expr.IntLit e -> constantInt(e.value(), false);
            case Expr.DurationLit e -> constantInt(e.nanos(), true);
            case Expr.StringLit e ->
                e.value().contains("${") || e.value().contains("%{") ? template(e, unit) : constantString(e.value());
            case Expr.PatternLit e ->
                new Typed.Match(new Typed.Literal(Typed.LiteralKind.PATTERN, e.pattern(), e.pos()));
            case Expr.RegexLit e -> new Typed.Match(new Typed.Literal(Typed.LiteralKind.REGEX, e.regex(), e.pos()));
            case Expr.IpLit e -> {
                IpNet net = ip(e);
                IpNet[] one = {net};
                yield new Typed.Ips((event, scope) -> one, false, net);
            }
            case Expr.ArrayLit e -> array(e);
        };
    }

    private static IpNet ip(Expr.IpLit e) throws CompileException {
        try {
            return IpNet.parse(e.text());
        } catch (IllegalArgumentException error) {
            throw new CompileException(e.pos(), String.valueOf(error.getMessage()));
        }
    }

    private static Typed.Ints constantInt(long value, boolean duration) {
        long[] one = {value};
        return new Typed.Ints((event, scope) -> one, false, one, duration, false, (event, scope) -> value);
    }

    private static Typed.Strings constantString(String value) {
        String[] one = {value};
        return new Typed.Strings((event, scope) -> one, false, value, Typed.StringOptions.PLAIN);
    }

    /**
     * A string with variables or fields in it ({@code "/proc/${pid}/maps"}, {@code "%{process.file.name}"}): each
     * replaced by its value, at each event.
     */
    private Typed template(Expr.StringLit e, Unit unit) throws CompileException {
        List<Object> parts = new ArrayList<>(); // strings, variables, and readers of fields
        String text = e.value();
        int at = 0;
        while (at < text.length()) {
            int variable = text.indexOf("${", at);
            int field = text.indexOf("%{", at);
            int open = variable < 0 ? field : field < 0 ? variable : Math.min(variable, field);
            int close = open < 0 ? -1 : text.indexOf('}', open);
            if (open < 0 || close < 0) {
                parts.add(text.substring(at));
                break;
            }
            parts.add(text.substring(at, open));
            String name = text.substring(open + 2, close);
            if (open == field) {
                Typed read = ident(new Expr.Ident(name, e.pos()), unit);
                parts.add(read);
            } else {
                if (!variables.containsKey(name) && !name.startsWith("builtins.")) {
                    throw new CompileException(e.pos(), "unknown variable ${" + name + "} in a string");
                }
                parts.add(new Expr.Variable(name, e.pos()));
            }
            at = close + 1;
        }
        return new Typed.Strings(
                (event, scope) -> {
                    StringBuilder out = new StringBuilder();
                    for (Object part : parts) {
                        switch (part) {
                            case Expr.Variable v -> out.append(text(scope.variable(v.name(), event)));
                            case Typed.Strings s -> out.append(text(s.read().read(event, scope)));
                            case Typed.Ints i -> out.append(text(i.read().read(event, scope)));
                            case Typed.Bool b -> out.append(b.eval().matches(event, scope));
                            case Typed.Ips i -> out.append(text(i.read().read(event, scope)));
                            default -> out.append(part);
                        }
                    }
                    return new String[] {out.toString()};
                },
                false,
                null,
                Typed.StringOptions.PLAIN);
    }

    /** A variable's value as it reads in a string: its first value, or nothing. */
    private static String text(@Nullable Object value) {
        return switch (value) {
            case null -> "";
            case String[] strings -> strings.length == 0 ? "" : strings[0];
            case long[] longs -> longs.length == 0 ? "" : Long.toString(longs[0]);
            case boolean[] bools -> bools.length == 0 ? "" : Boolean.toString(bools[0]);
            case IpNet[] nets -> nets.length == 0 ? "" : nets[0].toString();
            default -> String.valueOf(value);
        };
    }

    private Typed logical(Expr.Logical e, Unit unit) throws CompileException {
        Evaluator left = bool(e.left(), unit, "&&/||");
        Evaluator right = bool(e.right(), unit, "&&/||");
        return new Typed.Bool(e.op() == Expr.LogicalOp.AND ? new Logic.And(left, right) : new Logic.Or(left, right));
    }

    private Evaluator bool(Expr expr, Unit unit, String where) throws CompileException {
        Typed typed = compile(expr, unit);
        if (typed instanceof Typed.Bool bool) {
            return bool.eval();
        }
        throw new CompileException(expr.pos(), where + " needs a condition, not " + Typed.describe(typed));
    }

    private Typed unary(Expr.Unary e, Unit unit) throws CompileException {
        Typed operand = compile(e.operand(), unit);
        switch (e.op()) {
            case NOT -> {
                if (operand instanceof Typed.Bool bool) {
                    Evaluator inner = bool.eval();
                    return new Typed.Bool(new Logic.Not(inner));
                }
                throw new CompileException(e.pos(), "'!' needs a condition, not " + Typed.describe(operand));
            }
            case NEGATE, BIT_NOT -> {
                if (!(operand instanceof Typed.Ints ints)) {
                    throw new CompileException(
                            e.pos(), "'" + e.op().symbol + "' needs an integer, not " + Typed.describe(operand));
                }
                boolean negate = e.op() == Expr.UnaryOp.NEGATE;
                Typed.Read<long[]> read = ints.read();
                Typed.Read<long[]> result = (event, scope) -> {
                    long[] in = read.read(event, scope);
                    long[] out = new long[in.length];
                    for (int i = 0; i < in.length; i++) {
                        out[i] = negate ? -in[i] : ~in[i];
                    }
                    return out;
                };
                long[] constant = ints.constant() == null ? null : result.read(EMPTY_EVENT, Scope.EMPTY);
                Typed.Scalar one = ints.scalar();
                Typed.Scalar scalar = one == null
                        ? null
                        : negate
                                ? (event, scope) -> -one.read(event, scope)
                                : (event, scope) -> ~one.read(event, scope);
                return new Typed.Ints(result, ints.multiple(), constant, ints.duration(), false, scalar);
            }
        }
        throw new IllegalStateException();
    }

    private static final Event EMPTY_EVENT = new Event("", new Object[0]);

    private Typed arithmetic(char op, Expr leftExpr, Expr rightExpr, Pos pos, Unit unit) throws CompileException {
        Typed left = compile(leftExpr, unit);
        Typed right = compile(rightExpr, unit);
        if (!(left instanceof Typed.Ints a) || !(right instanceof Typed.Ints b)) {
            throw new CompileException(
                    pos, "'" + op + "' needs integers, not " + Typed.describe(left) + " and " + Typed.describe(right));
        }
        if (a.multiple() && b.multiple()) {
            throw new CompileException(pos, "'" + op + "' between two fields of several values");
        }
        Typed.Read<long[]> ra = a.read();
        Typed.Read<long[]> rb = b.read();
        Typed.Read<long[]> result = (event, scope) -> {
            long[] x = ra.read(event, scope);
            long[] y = rb.read(event, scope);
            long[] many = x.length == 1 ? y : x;
            long[] out = new long[x.length == 1 ? y.length : x.length];
            for (int i = 0; i < out.length; i++) {
                long l = x.length == 1 ? x[0] : x[i];
                long r = y.length == 1 ? y[0] : y[i];
                out[i] = switch (op) {
                    case '+' -> l + r;
                    case '-' -> l - r;
                    case '&' -> l & r;
                    case '|' -> l | r;
                    default -> l ^ r;
                };
            }
            return many.length == 0 ? new long[0] : out;
        };
        long[] constant = a.constant() != null && b.constant() != null ? result.read(EMPTY_EVENT, Scope.EMPTY) : null;
        Typed.Scalar x = a.scalar();
        Typed.Scalar y = b.scalar();
        Typed.Scalar scalar = x == null || y == null
                ? null
                : switch (op) {
                    case '+' -> (event, scope) -> x.read(event, scope) + y.read(event, scope);
                    case '-' -> (event, scope) -> x.read(event, scope) - y.read(event, scope);
                    case '&' -> (event, scope) -> x.read(event, scope) & y.read(event, scope);
                    case '|' -> (event, scope) -> x.read(event, scope) | y.read(event, scope);
                    default -> (event, scope) -> x.read(event, scope) ^ y.read(event, scope);
                };
        // a difference of times is a duration to compare as a number, not a time to measure from now
        return new Typed.Ints(
                result, a.multiple() || b.multiple(), constant, a.duration() && b.duration(), false, scalar);
    }

    private Typed ident(Expr.Ident e, Unit unit) throws CompileException {
        String name = e.name();
        Expr macro = macros.get(name);
        if (macro != null) {
            if (unit.expanding.contains(name)) {
                throw new CompileException(
                        e.pos(), "the macro " + name + " uses itself (" + String.join(" -> ", unit.expanding) + ")");
            }
            unit.expanding.add(name);
            try {
                return compile(macro, unit);
            } catch (CompileException inner) {
                java.util.function.Function<Pos, String> place = macroPlaces.get(name);
                String where = place == null ? inner.pos().toString() : place.apply(inner.pos());
                throw new CompileException(
                        e.pos(), inner.kind(), "in macro " + name + " (" + where + "): " + inner.getMessage());
            } finally {
                unit.expanding.removeLast();
            }
        }
        if (name.contains("[") || name.contains("]")) {
            return registered(e, unit);
        }
        Field field = catalog.find(name).orElse(null);
        if (field != null) {
            return field(field, e.pos(), unit);
        }
        String base = name.endsWith(".length") ? name.substring(0, name.length() - ".length".length()) : null;
        Field measured = base == null ? null : catalog.find(base).orElse(null);
        if (measured != null && measured.type() == FieldType.STRING) {
            restrict(unit, measured, e.pos());
            unit.fields.add(name);
            return lengthOf(measured);
        }
        Object constant = constants.find(name).orElse(null);
        if (constant != null) {
            return switch (constant) {
                case Long value -> constantInt(value, false);
                case Boolean value -> constantBool(value);
                case String value -> constantString(value);
                case List<?> list -> {
                    List<Typed.Literal> members = new ArrayList<>();
                    for (Object item : list) {
                        members.add(new Typed.Literal(Typed.LiteralKind.VALUE, String.valueOf(item), e.pos()));
                    }
                    yield new Typed.StringArray(members);
                }
                default -> throw new IllegalStateException("constant " + name + " of type " + constant.getClass());
            };
        }
        throw new CompileException(e.pos(), "unknown field, macro or constant '" + name + "'");
    }

    private static Typed.Bool constantBool(boolean value) {
        return new Typed.Bool((event, scope) -> value);
    }

    /** {@code process.ancestors[A].comm}: iterator, register, rest. */
    private static final java.util.regex.Pattern REGISTER =
            java.util.regex.Pattern.compile("([a-z_.]*(?:ancestors|\\.flows))\\[([A-Z]+)\\](\\.[a-z_.]+)");

    /**
     * A field of an iterator bound to a register ({@code process.ancestors[A].pid}): every comparison that names the
     * register reads the same element, and the expression holds when it holds for one element.
     */
    private Typed registered(Expr.Ident e, Unit unit) throws CompileException {
        java.util.regex.Matcher matcher = REGISTER.matcher(e.name());
        if (!matcher.matches()) {
            throw new CompileException(
                    e.pos(),
                    "'" + e.name() + "': a register is an upper-case name after an iterator, such as"
                            + " process.ancestors[A].file.name");
        }
        String iterator = matcher.group(1);
        String register = matcher.group(2);
        Field field = catalog.find(iterator + matcher.group(3)).orElse(null);
        if (field == null || !field.multiple()) {
            throw new CompileException(e.pos(), "unknown iterator field '" + e.name() + "'");
        }
        if (unit.register != null && !unit.register.equals(register)) {
            throw new CompileException(
                    e.pos(), "an expression uses one register; it has " + unit.register + " and " + register);
        }
        if (unit.iterator != null && !unit.iterator.equals(iterator)) {
            throw new CompileException(
                    e.pos(), "the register " + register + " is used on " + unit.iterator + " and on " + iterator);
        }
        unit.register = register;
        unit.iterator = iterator;
        // a grouped field's elements are its groups: the iteration counts them, not its values
        unit.registered.put(field.grouped() ? field.groupSlot() : field.slot(), field.grouped() ? field.slot() : -1);
        Typed whole = field(field, e.pos(), unit);
        if (field.grouped() && whole instanceof Typed.Strings strings) {
            int groups = field.groupSlot();
            Typed.Read<String[]> all = strings.read();
            return new Typed.Strings(
                    (event, scope) -> group(all.read(event, scope), event.valueAt(groups), scope),
                    true,
                    null,
                    strings.options());
        }
        return switch (whole) {
            case Typed.Strings strings ->
                new Typed.Strings(
                        (event, scope) -> element(strings.read().read(event, scope), scope, String[]::new),
                        false,
                        null,
                        strings.options());
            case Typed.Ints ints ->
                new Typed.Ints(
                        (event, scope) -> {
                            long[] all = ints.read().read(event, scope);
                            int index = Indexed.index(scope);
                            return index >= 0 && index < all.length ? new long[] {all[index]} : new long[0];
                        },
                        false,
                        null,
                        false,
                        ints.timestamp());
            // compared as a whole, as the reference compares a boolean iterator field under a register
            case Typed.Bool bool -> bool;
            case Typed.Ips ips ->
                new Typed.Ips(
                        (event, scope) -> element(ips.read().read(event, scope), scope, IpNet[]::new), false, null);
            default -> throw new IllegalStateException("a field of type " + Typed.describe(whole));
        };
    }

    /**
     * The register's element of a grouped field: its group of values when the event gives the groups' sizes; without
     * them, the values are taken as one per element.
     */
    private static String[] group(String[] all, @Nullable Object sizes, Scope scope) {
        if (!(sizes instanceof long[] lengths)) {
            return element(all, scope, String[]::new);
        }
        int index = Indexed.index(scope);
        if (index < 0 || index >= lengths.length) {
            return new String[0];
        }
        long from = 0;
        for (int i = 0; i < index; i++) {
            from += lengths[i];
        }
        long to = Math.min(all.length, from + lengths[index]);
        return from >= to ? new String[0] : java.util.Arrays.copyOfRange(all, (int) from, (int) to);
    }

    private static <T> T[] element(T[] all, Scope scope, java.util.function.IntFunction<T[]> make) {
        int index = Indexed.index(scope);
        if (index < 0 || index >= all.length) {
            return make.apply(0);
        }
        T[] one = make.apply(1);
        one[0] = all[index];
        return one;
    }

    /** A scope that binds the register to one element of its iterator. */
    static final class Indexed implements Scope {
        private final Scope outer;
        int index;

        Indexed(Scope outer) {
            this.outer = outer;
        }

        static int index(Scope scope) {
            return scope instanceof Indexed indexed ? indexed.index : -1;
        }

        @Override
        public @Nullable Object variable(String name, Event event) {
            return outer.variable(name, event);
        }

        @Override
        public long now(Event event) {
            return outer.now(event);
        }
    }

    /** The expression evaluated for each element of the register's iterator: true when one makes it true. */
    private static Evaluator overElements(Evaluator inner, int[] slots, int[] fallbacks) {
        return (event, scope) -> {
            int length = 0;
            for (int i = 0; i < slots.length; i++) {
                Object value = event.valueAt(slots[i]);
                if (value == null && fallbacks[i] >= 0) {
                    value = event.valueAt(fallbacks[i]); // a grouped field given as one list: a value per element
                }
                length = Math.max(length, value == null ? 0 : java.lang.reflect.Array.getLength(value));
            }
            Indexed indexed = new Indexed(scope);
            for (int i = 0; i < length; i++) {
                indexed.index = i;
                if (inner.matches(event, indexed)) {
                    return true;
                }
            }
            return false;
        };
    }

    /** How a string field's values compare: paths as paths, some fields without regard to case. */
    static Typed.StringOptions options(Field field) {
        return new Typed.StringOptions(field.name().endsWith(".path"), CASE_INSENSITIVE.contains(field.name()));
    }

    /** Fields the reference compares without regard to case on Linux. */
    private static final Set<String> CASE_INSENSITIVE = Set.of("dns.question.name");

    private void restrict(Unit unit, Field field, Pos pos) throws CompileException {
        if (field.onEveryEvent()) {
            return;
        }
        Set<String> types = new TreeSet<>(List.of(field.eventType().split(",")));
        if (unit.eventTypes == null) {
            unit.eventTypes = types;
            return;
        }
        Set<String> both = new TreeSet<>(unit.eventTypes);
        both.retainAll(types);
        if (both.isEmpty()) {
            throw new CompileException(
                    pos,
                    field.name() + " is a field of " + field.eventType() + " events, but the expression is about "
                            + String.join(", ", unit.eventTypes) + " events");
        }
        unit.eventTypes = both;
    }

    private Typed field(Field field, Pos pos, Unit unit) throws CompileException {
        restrict(unit, field, pos);
        unit.fields.add(field.name());
        int slot = field.slot();
        boolean multiple = field.multiple();
        return switch (field.type()) {
            case STRING -> {
                String[] zero = multiple ? new String[0] : new String[] {""};
                yield new Typed.Strings(
                        (event, scope) -> {
                            Object value = event.valueAt(slot);
                            return value == null ? zero : (String[]) value;
                        },
                        multiple,
                        null,
                        options(field),
                        slot);
            }
            case INT -> {
                long[] zero = multiple ? new long[0] : new long[] {0};
                boolean timestamp = field.name().endsWith("_time")
                        || field.name().endsWith("created_at")
                        || field.name().equals("event.timestamp");
                yield new Typed.Ints(
                        (event, scope) -> {
                            Object value = event.valueAt(slot);
                            return value == null ? zero : (long[]) value;
                        },
                        multiple,
                        null,
                        false,
                        timestamp,
                        multiple
                                ? null
                                : (event, scope) ->
                                        event.valueAt(slot) instanceof long[] one && one.length > 0 ? one[0] : 0);
            }
            case BOOL -> {
                boolean[] zero = multiple ? new boolean[0] : new boolean[] {false};
                Typed.Read<boolean[]> values = (event, scope) -> {
                    Object value = event.valueAt(slot);
                    return value == null ? zero : (boolean[]) value;
                };
                yield new Typed.Bool(
                        (event, scope) -> {
                            for (boolean b : values.read(event, scope)) {
                                if (b) {
                                    return true;
                                }
                            }
                            return false;
                        },
                        multiple ? values : null);
            }
            case IP -> {
                IpNet[] zero = new IpNet[0];
                yield new Typed.Ips(
                        (event, scope) -> {
                            Object value = event.valueAt(slot);
                            return value == null ? zero : (IpNet[]) value;
                        },
                        multiple,
                        null);
            }
        };
    }

    /** {@code X.length} of a string field X: the length of each value, when the event does not say it itself. */
    private Typed lengthOf(Field base) {
        int slot = base.slot();
        return new Typed.Ints(
                (event, scope) -> {
                    Object value = event.valueAt(slot);
                    if (value == null) {
                        return base.multiple() ? new long[0] : new long[] {0};
                    }
                    String[] strings = (String[]) value;
                    long[] out = new long[strings.length];
                    for (int i = 0; i < out.length; i++) {
                        out[i] = strings[i].length();
                    }
                    return out;
                },
                base.multiple(),
                null,
                false,
                false);
    }

    private Typed variable(Expr.Variable e) throws CompileException {
        VariableType type = variables.get(e.name());
        if (type == null) {
            throw new CompileException(e.pos(), "unknown variable ${" + e.name() + "}");
        }
        // interned: the scope remembers an event's reads by the name's identity, and many rules read one variable
        String name = e.name().intern();
        // an unset variable reads as nothing (an array) or its zero value; shared, as no evaluator writes to what
        // it reads
        String[] unsetStrings = type.array() ? NO_STRINGS : EMPTY_STRING;
        long[] unsetInts = type.array() ? NO_LONGS : ZERO;
        return switch (type.type()) {
            case STRING ->
                new Typed.Strings(
                        (event, scope) -> {
                            Object value = scope.variable(name, event);
                            return value == null ? unsetStrings : (String[]) value;
                        },
                        type.array(),
                        null,
                        Typed.StringOptions.PLAIN);
            case INT ->
                new Typed.Ints(
                        (event, scope) -> {
                            Object value = scope.variable(name, event);
                            return value == null ? unsetInts : (long[]) value;
                        },
                        type.array(),
                        null,
                        false,
                        false);
            case BOOL ->
                new Typed.Bool((event, scope) -> {
                    Object value = scope.variable(name, event);
                    return value != null && ((boolean[]) value).length > 0 && ((boolean[]) value)[0];
                });
            case IP ->
                new Typed.Ips(
                        (event, scope) -> {
                            Object value = scope.variable(name, event);
                            return value == null ? NO_IPS : (IpNet[]) value;
                        },
                        type.array(),
                        null);
        };
    }

    private Typed array(Expr.ArrayLit e) throws CompileException {
        List<Expr> members = new ArrayList<>();
        for (Expr member : e.members()) {
            members.add(member instanceof Expr.Ident ident ? constantLiteral(ident) : member);
        }
        Class<?> first = members.getFirst().getClass();
        for (Expr member : members) {
            boolean sameFamily = member.getClass() == first || isString(member) && isString(members.getFirst());
            if (!sameFamily) {
                throw new CompileException(member.pos(), "an array mixes values of different types");
            }
        }
        if (members.getFirst() instanceof Expr.Ident) {
            boolean[] values = new boolean[members.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = ((Expr.Ident) members.get(i)).name().equals("true");
            }
            return new Typed.BoolArray(values);
        }
        if (members.getFirst() instanceof Expr.IntLit) {
            long[] values = new long[members.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = ((Expr.IntLit) members.get(i)).value();
            }
            return new Typed.IntArray(values);
        }
        if (members.getFirst() instanceof Expr.IpLit) {
            List<IpNet> nets = new ArrayList<>();
            for (Expr member : members) {
                nets.add(ip((Expr.IpLit) member));
            }
            return new Typed.IpArray(nets);
        }
        List<Typed.Literal> literals = new ArrayList<>();
        for (Expr member : members) {
            literals.add(
                    switch (member) {
                        case Expr.StringLit v -> new Typed.Literal(Typed.LiteralKind.VALUE, v.value(), v.pos());
                        case Expr.PatternLit p -> new Typed.Literal(Typed.LiteralKind.PATTERN, p.pattern(), p.pos());
                        case Expr.RegexLit r -> new Typed.Literal(Typed.LiteralKind.REGEX, r.regex(), r.pos());
                        default -> throw new CompileException(member.pos(), "an array of strings holds only strings");
                    });
        }
        return new Typed.StringArray(literals);
    }

    private static boolean isString(Expr expr) {
        return expr instanceof Expr.StringLit || expr instanceof Expr.PatternLit || expr instanceof Expr.RegexLit;
    }

    /** A constant named in an array, as the literal it stands for ({@code true}/{@code false} stay names). */
    private Expr constantLiteral(Expr.Ident ident) throws CompileException {
        Object value = constants.find(ident.name()).orElse(null);
        return switch (value) {
            case Long number -> new Expr.IntLit(number, ident.pos());
            case String text -> new Expr.StringLit(text, ident.pos());
            case Boolean bool -> new Expr.Ident(bool.toString(), ident.pos());
            case null, default ->
                throw new CompileException(ident.pos(), "'" + ident.name() + "' in an array is not a constant");
        };
    }

    /**
     * The matcher of a literal for the strings it is compared with: a path field's patterns are globs, and its
     * values, patterns and regular expressions are checked as the reference checks them.
     */
    static StringMatcher matcher(Typed.StringOptions options, Typed.Literal literal) throws CompileException {
        String text = literal.text();
        if (options.path()) {
            String problem = switch (literal.kind()) {
                case REGEX -> "regular expressions are not supported on path fields";
                case VALUE ->
                    text.isEmpty() || text.startsWith("/") && clean(text)
                            ? null
                            : "'" + text + "' is not an absolute, clean path";
                case PATTERN ->
                    text.isEmpty()
                            ? null
                            : text.equals("*")
                                    ? "'*' alone is not a path pattern"
                                    : (text.startsWith("/") || text.startsWith("*")) && !text.contains("//")
                                            ? null
                                            : "'" + text + "' is not an absolute path pattern";
            };
            if (problem != null) {
                throw new CompileException(literal.pos(), problem);
            }
        }
        try {
            return switch (literal.kind()) {
                case VALUE ->
                    options.ignoreCase() ? new StringMatcher.ScalarIgnoreCase(text) : new StringMatcher.Scalar(text);
                case PATTERN ->
                    options.path()
                            ? StringMatcher.Glob.of(text, options.ignoreCase())
                            : StringMatcher.Wildcard.of(text, options.ignoreCase());
                case REGEX -> StringMatcher.Regex.of(text);
            };
        } catch (IllegalArgumentException e) {
            throw new CompileException(literal.pos(), String.valueOf(e.getMessage()));
        }
    }

    /** No empty, {@code .} or {@code ..} segment, no trailing {@code /} (the root aside). */
    private static boolean clean(String path) {
        if (path.equals("/")) {
            return true;
        }
        for (String segment : path.substring(1).split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    private Typed compare(Expr.Compare e, Unit unit) throws CompileException {
        Typed left = compile(e.left(), unit);
        Typed right = compile(e.right(), unit);
        boolean negate = e.op() == Expr.CompareOp.NE || e.op() == Expr.CompareOp.NOT_MATCH;
        Evaluator positive = switch (e.op()) {
            case EQ, NE -> Comparisons.equality(left, right, e.pos(), false);
            case MATCH, NOT_MATCH -> Comparisons.equality(left, right, e.pos(), true);
            case LT, LE, GT, GE -> Comparisons.ordering(e.op(), left, right, e.pos());
        };
        return new Typed.Bool(negate ? (event, scope) -> !positive.matches(event, scope) : positive);
    }

    private Typed member(Expr.Member e, Unit unit) throws CompileException {
        return Membership.member(e, compile(e.value(), unit), compile(e.array(), unit));
    }
}
