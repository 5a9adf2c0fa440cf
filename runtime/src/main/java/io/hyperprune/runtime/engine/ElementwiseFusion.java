package io.hyperprune.runtime.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.ScalarOp;
import org.nd4j.linalg.api.ops.impl.reduce.bp.SquaredNormBp;
import org.nd4j.linalg.api.ops.impl.reduce.bp.SumBp;
import org.nd4j.linalg.api.ops.impl.reduce.floating.SquaredNorm;
import org.nd4j.linalg.api.ops.impl.reduce.same.Sum;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarAdd;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarDivision;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMultiplication;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarSubtraction;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.DivOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.SubOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.bp.AddBpOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.bp.MulBpOp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Exp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Log;

/**
 * Which ops of a compiled step run together as one {@link FusedPass}: groups of element-wise ops on
 * same-shaped large [K, ...] float tensors (and per-model sums and squared norms of them, and those
 * reductions' gradients), found from the shapes of a step already executed op by op.
 *
 * <p>The ops are taken in execution order. An op that reads a value a group computes but has not
 * written yet joins that group (several such groups merge); one that reads none starts a group. The
 * gradient of a same-shaped add is its incoming gradient (an alias, as the plan makes it), so it
 * reads only that. A group closes when any other op
 * reads one of its values: it then runs at the position of its last member, before that reader, and
 * writes the values read outside it. An op reading a reduction of an open group cannot join it (the
 * sum is complete only after the pass). So every value a member reads exists when the group runs,
 * and every outside reader comes after it; the order of the other ops is unchanged. Groups of one op
 * stay single ops.
 */
final class ElementwiseFusion {

    /**
     * Tensors from this many elements (512 KiB of floats, a core's L2 cache on the machines measured):
     * separate passes over smaller tensors stay in cache, and there fusing measured no faster (a plain
     * variational net's [1, 784, 50] tensors: 0.39-0.42 s per epoch op by op, 0.51-0.54 fused), while
     * on a hypernetwork's [5, 784, 50] tensors it saved ~10 % of an epoch.
     */
    static final long MIN_LENGTH = 1 << 17;

    /**
     * One op of a group: its index in the step's op order, kind, the full-size inputs it reads
     * chunk by chunk, outputs (names, as the op has them), its side input (name; null if none or if
     * {@code fixedScalar} holds it) and the shape of its full-size tensors.
     */
    record Member(int index, FusedPass.Kind kind, List<String> inputs, List<String> outputs, String side, INDArray fixedScalar,
            long[] shape) {

        /** Every value the member reads. */
        List<String> reads() {
            if (side == null) {
                return inputs;
            }
            List<String> reads = new ArrayList<>(inputs);
            reads.add(side);
            return reads;
        }
    }

    /** Ops that run as one pass at the position of the last one. */
    static final class Group {
        final long[] shape;
        final List<Member> members = new ArrayList<>();
        /** Values of the members, full-size and reduced, computed in the pass. */
        final Set<String> produced = new LinkedHashSet<>();
        final Set<String> reduced = new LinkedHashSet<>();
        /** The shapes of the reductions' outputs ([K], or [K, 1, ...] when dimensions are kept). */
        final Map<String, long[]> reducedShapes = new HashMap<>();
        /** Values read outside the group (or by the caller): the pass writes them. */
        final Set<String> written = new LinkedHashSet<>();
        boolean open = true;

        Group(long[] shape) {
            this.shape = shape;
        }

        int anchor() {
            return members.get(members.size() - 1).index();
        }

        /** Full-size inputs read by some member and computed before the group. */
        List<String> fullInputs() {
            Set<String> inputs = new LinkedHashSet<>();
            for (Member m : members) {
                for (String input : m.inputs()) {
                    if (!produced.contains(input)) {
                        inputs.add(input);
                    }
                }
            }
            return List.copyOf(inputs);
        }

        /** Members' op names, for profiles. */
        String describe(List<SameDiffOp> ops) {
            return members.stream().map(m -> ops.get(m.index()).getOp().opName()).reduce((a, b) -> a + ", " + b).orElse("");
        }
    }

    private final Map<Integer, Group> byIndex;
    private final Set<Integer> aliases;
    private final Map<Integer, String> repeats;

    private ElementwiseFusion(Map<Integer, Group> byIndex, Set<Integer> aliases, Map<Integer, String> repeats) {
        this.byIndex = byIndex;
        this.aliases = aliases;
        this.repeats = repeats;
    }

    /** The group of the op at this index, or null if it runs alone. */
    Group groupOf(int index) {
        return byIndex.get(index);
    }

    boolean isEmpty() {
        return byIndex.isEmpty() && repeats.isEmpty();
    }

    /** Groups found in {@code ops} with the arrays of a step executed op by op; {@code results} are read by the caller. */
    static ElementwiseFusion find(List<SameDiffOp> ops, Map<String, INDArray> values, Set<String> results, long minLength) {
        List<Group> groups = new ArrayList<>();
        Map<String, Group> pending = new HashMap<>();
        Map<Integer, Member> memberAt = new HashMap<>();
        Set<Integer> aliases = new java.util.HashSet<>();
        Map<Integer, String> repeats = new HashMap<>();
        Map<String, String> renamed = new HashMap<>();
        Map<List<Object>, String> firstExpOrLog = new HashMap<>();
        for (int i = 0; i < ops.size(); i++) {
            SameDiffOp op = ops.get(i);
            Member member = renamed(member(i, op, values, minLength), renamed);
            if (member != null && (member.kind() == FusedPass.Kind.EXP || member.kind() == FusedPass.Kind.LOG)) {
                // exp's gradient recomputes exp of the same input: read the first one's values instead
                // (a read is far cheaper than exp); the plan does the same for ops it runs alone.
                List<Object> key = List.of(member.kind(), member.inputs());
                String first = firstExpOrLog.putIfAbsent(key, member.outputs().get(0));
                if (first != null) {
                    repeats.put(i, first);
                    renamed.put(member.outputs().get(0), first);
                    member = null;
                }
            }
            if (member != null) {
                memberAt.put(i, member);
            }
            if (gradientAlias(op, values)) {
                aliases.add(i);
            }
            List<String> reads = reads(i, ops, memberAt, aliases, repeats, renamed);
            Set<Group> readFrom = new LinkedHashSet<>();
            for (String input : reads) {
                Group g = pending.get(input);
                if (g != null && g.open) {
                    boolean joinable = member != null && !g.reduced.contains(input) && Arrays.equals(g.shape, member.shape());
                    if (joinable) {
                        readFrom.add(g);
                    } else {
                        g.open = false;
                    }
                }
            }
            if (member == null) {
                continue;
            }
            readFrom.removeIf(g -> !g.open);
            Group group;
            if (readFrom.isEmpty()) {
                // Not joined to an open group reading the same inputs: measured, that group then often
                // had to write a value its backward counterpart could have kept in a chunk.
                group = new Group(member.shape());
                groups.add(group);
            } else {
                group = merge(groups, readFrom, pending);
            }
            group.members.add(member);
            for (String output : member.outputs()) {
                pending.put(output, group);
                (member.kind().reduces() ? group.reduced : group.produced).add(output);
                if (member.kind().reduces()) {
                    group.reducedShapes.put(output, values.get(output).shape());
                }
            }
        }
        // Every op a pass computes is in a group, also alone: a member reads only its inputs (the
        // gradient of a sum reads no tensor), so a group it does not join must not wait for it.
        Map<Integer, Group> byIndex = new HashMap<>();
        groups.forEach(g -> g.members.forEach(m -> byIndex.put(m.index(), g)));
        for (Group g : groups) {
            for (int i = 0; i < ops.size(); i++) {
                Group other = byIndex.get(i);
                if (other == g) {
                    continue;
                }
                for (String input : reads(i, ops, memberAt, aliases, repeats, renamed)) {
                    if (g.produced.contains(input) || g.reduced.contains(input)) {
                        g.written.add(input);
                    }
                }
            }
            for (String result : results) {
                if (g.produced.contains(result) || g.reduced.contains(result)) {
                    g.written.add(result);
                }
            }
        }
        return new ElementwiseFusion(byIndex, aliases, repeats);
    }

    /** What the op at {@code i} reads: a member its inputs, an alias its incoming gradient, others their arguments. */
    private static List<String> reads(int i, List<SameDiffOp> ops, Map<Integer, Member> memberAt, Set<Integer> aliases,
            Map<Integer, String> repeats, Map<String, String> renamed) {
        if (memberAt.containsKey(i)) {
            return memberAt.get(i).reads();
        }
        if (repeats.containsKey(i)) {
            return List.of(repeats.get(i));
        }
        String[] args = ops.get(i).getOp().argNames();
        if (aliases.contains(i)) {
            return List.of(renamed.getOrDefault(args[2], args[2]));
        }
        return args == null ? List.of() : Arrays.stream(args).map(a -> renamed.getOrDefault(a, a)).toList();
    }

    /** The member reading first computations where it names their repeats. */
    private static Member renamed(Member m, Map<String, String> renamed) {
        if (m == null || renamed.isEmpty()) {
            return m;
        }
        return new Member(m.index(), m.kind(), m.inputs().stream().map(a -> renamed.getOrDefault(a, a)).toList(), m.outputs(),
                m.side() == null ? null : renamed.getOrDefault(m.side(), m.side()), m.fixedScalar(), m.shape());
    }

    /** The earlier output an exp or log at this index repeats (its value is that one's), or null. */
    String repeatOf(int index) {
        return repeats.get(index);
    }

    /** add_bp of three same-shaped arrays: both gradients are the incoming one. */
    private static boolean gradientAlias(SameDiffOp op, Map<String, INDArray> values) {
        String[] args = op.getOp().argNames();
        if (op.getOp().getClass() != AddBpOp.class || args == null || args.length != 3 || op.getOutputsOfOp().size() != 2) {
            return false;
        }
        INDArray x = values.get(args[0]);
        INDArray y = values.get(args[1]);
        INDArray g = values.get(args[2]);
        return x != null && y != null && g != null && x.equalShapes(g) && y.equalShapes(g) && x.dataType() == g.dataType()
                && y.dataType() == g.dataType();
    }

    /** Whether the op at this index is an add_bp whose outputs are its incoming gradient. */
    boolean isGradientAlias(int index) {
        return aliases.contains(index);
    }

    private static Group merge(List<Group> groups, Set<Group> merging, Map<String, Group> pending) {
        List<Group> ordered = new ArrayList<>(merging);
        Group into = ordered.get(0);
        for (Group other : ordered.subList(1, ordered.size())) {
            into.members.addAll(other.members);
            into.produced.addAll(other.produced);
            into.reduced.addAll(other.reduced);
            into.reducedShapes.putAll(other.reducedShapes);
            groups.remove(other);
            pending.replaceAll((name, g) -> g == other ? into : g);
        }
        into.members.sort(java.util.Comparator.comparingInt(Member::index));
        return into;
    }

    /** The op as a member of a pass, or null if a pass does not compute it (kind, types or shapes). */
    static Member member(int index, SameDiffOp op, Map<String, INDArray> values, long minLength) {
        DifferentialFunction f = op.getOp();
        String[] argNames = f.argNames() == null ? new String[0] : f.argNames();
        INDArray[] args = new INDArray[argNames.length];
        for (int i = 0; i < args.length; i++) {
            args[i] = values.get(argNames[i]);
            if (args[i] == null) {
                return null;
            }
        }
        List<String> outputs = op.getOutputsOfOp();
        if (args.length == 0 || !full(args[0], minLength)) {
            return null;
        }
        Class<?> type = f.getClass();
        List<String> in = List.of(argNames);
        long[] shape = args[0].shape();
        if ((type == Exp.class || type == Log.class) && args.length == 1 && outputs.size() == 1) {
            return new Member(index, type == Exp.class ? FusedPass.Kind.EXP : FusedPass.Kind.LOG, in, outputs, null, null, shape);
        }
        FusedPass.Kind pairwise = type == AddOp.class ? FusedPass.Kind.ADD : type == SubOp.class ? FusedPass.Kind.SUBTRACT
                : type == MulOp.class ? FusedPass.Kind.MULTIPLY : type == DivOp.class ? FusedPass.Kind.DIVIDE : null;
        if (pairwise != null && args.length == 2 && outputs.size() == 1 && full(args[1], minLength) && args[0].equalShapes(args[1])) {
            return new Member(index, pairwise, in, outputs, null, null, shape);
        }
        if (type == MulBpOp.class && args.length == 3 && outputs.size() == 2 && full(args[1], minLength) && full(args[2], minLength)
                && args[0].equalShapes(args[1]) && args[0].equalShapes(args[2])) {
            return new Member(index, FusedPass.Kind.MULTIPLY_BP, in, outputs, null, null, shape);
        }
        FusedPass.Kind scalar = type == ScalarAdd.class ? FusedPass.Kind.ADD_SCALAR : type == ScalarSubtraction.class
                ? FusedPass.Kind.SUBTRACT_SCALAR : type == ScalarMultiplication.class ? FusedPass.Kind.MULTIPLY_SCALAR
                : type == ScalarDivision.class ? FusedPass.Kind.DIVIDE_SCALAR : null;
        if (scalar != null && outputs.size() == 1) {
            if (args.length == 2 && args[1].length() == 1 && NativeFloats.readable(args[1])) {
                return new Member(index, scalar, List.of(argNames[0]), outputs, argNames[1], null, shape);
            }
            INDArray value = ((ScalarOp) f).scalar();
            if (args.length == 1 && value != null && value.length() == 1 && NativeFloats.readable(value)) {
                return new Member(index, scalar, in, outputs, null, value, shape);
            }
            return null;
        }
        if ((type == Sum.class || type == SquaredNorm.class) && outputs.size() == 1 && ModelReductions.overElementAxes(f, args)
                && values.get(outputs.get(0)) != null && values.get(outputs.get(0)).length() == args[0].size(0)) {
            return new Member(index, type == Sum.class ? FusedPass.Kind.SUM : FusedPass.Kind.SQUARED_NORM, List.of(argNames[0]),
                    outputs, null, null, shape);
        }
        if ((type == SumBp.class || type == SquaredNormBp.class) && args.length == 2 && outputs.size() == 1
                && ModelReductions.elementAxes(((DynamicCustomOp) f).iArgs(), args[0].rank())
                && args[1].length() == args[0].size(0) && NativeFloats.readable(args[1])) {
            // The gradient of a sum reads only its input's shape.
            boolean sum = type == SumBp.class;
            return new Member(index, sum ? FusedPass.Kind.SUM_BP : FusedPass.Kind.SQUARED_NORM_BP,
                    sum ? List.of() : List.of(argNames[0]), outputs, argNames[1], null, shape);
        }
        return null;
    }

    /** A tensor a pass handles: contiguous float, a model axis and at least {@code minLength} elements. */
    private static boolean full(INDArray array, long minLength) {
        return array.dataType() == DataType.FLOAT && array.rank() >= 2 && array.length() >= Math.max(minLength, SmallArithmetic.MAX_LENGTH + 1)
                && NativeFloats.readable(array) && array.length() / array.size(0) <= Integer.MAX_VALUE;
    }
}
