package io.hyperprune.engine.compiled;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.autodiff.samediff.internal.Variable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.BaseOp;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.transforms.custom.Assign;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.GradientBackwardsMarker;
import org.nd4j.linalg.api.ops.impl.transforms.same.Identity;

/**
 * The ops of a graph some outputs depend on, in execution order, found once per run (the graph of a
 * run never changes): which ops, in which order, which variables a step must compute, and whether the
 * ops are ones a {@link Plan} can execute without SameDiff's session.
 */
final class OpSchedule {

    private final SameDiff graph;
    private final List<SameDiffOp> ops;
    private final Set<String> needed;
    private final boolean writesInPlace;
    private final Map<String, Integer> indexOf = new HashMap<>();

    private OpSchedule(SameDiff graph, List<SameDiffOp> ops, List<String> outputs) {
        this.graph = graph;
        this.ops = ops;
        this.needed = needed(ops, outputs);
        this.writesInPlace = ops.stream()
                .anyMatch(op -> op.getOp() instanceof Assign
                        || op.getOp() instanceof DynamicCustomOp custom && custom.isInplaceCall());
        for (int i = 0; i < ops.size(); i++) {
            indexOf.put(ops.get(i).getName(), i);
        }
    }

    /**
     * The ops of {@code graph} these outputs depend on, or empty if one needs SameDiff's session
     * (control flow, tensor arrays, views, invocations).
     */
    static Optional<OpSchedule> of(SameDiff graph, List<String> outputs) {
        List<SameDiffOp> ordered = new ArrayList<>();
        Set<String> visited = new HashSet<>();
        for (String output : outputs) {
            if (!order(graph, output, visited, ordered)) {
                return Optional.empty();
            }
        }
        return Optional.of(new OpSchedule(graph, List.copyOf(ordered), outputs));
    }

    /** The graph the ops belong to. */
    SameDiff graph() {
        return graph;
    }

    /** The ops, in execution order. */
    List<SameDiffOp> ops() {
        return ops;
    }

    /** Variables some op reads, or an output: the values a step must compute. */
    Set<String> needed() {
        return needed;
    }

    /** Whether some op writes into its input array: then no output may be a view of, or share, another. */
    boolean writesInPlace() {
        return writesInPlace;
    }

    /** The index of the op whose output the variable is, or null (a placeholder, parameter or constant). */
    Integer producerIndex(String variable) {
        Variable v = graph.getVariables().get(variable);
        return v == null || v.getOutputOfOp() == null ? null : indexOf.get(v.getOutputOfOp());
    }

    /** The op whose output the variable is, or null. */
    SameDiffOp producer(String variable) {
        Integer index = producerIndex(variable);
        return index == null ? null : ops.get(index);
    }

    /** The variables some of these ops read, plus the outputs the caller reads. */
    private static Set<String> needed(List<SameDiffOp> ops, List<String> outputs) {
        Set<String> needed = new HashSet<>(outputs);
        for (SameDiffOp op : ops) {
            if (op.getInputsToOp() != null) {
                needed.addAll(op.getInputsToOp());
            }
        }
        return needed;
    }

    /** Depth-first post-order of the ops producing {@code variable}; false if one is not supported. */
    private static boolean order(SameDiff grad, String variable, Set<String> visited, List<SameDiffOp> ordered) {
        // Iterative, so deep graphs cannot overflow the stack: frames of (variable, inputs expanded?).
        List<String> stack = new ArrayList<>(List.of(variable));
        List<Boolean> expanded = new ArrayList<>(List.of(false));
        while (!stack.isEmpty()) {
            int top = stack.size() - 1;
            String name = stack.get(top);
            Variable v = grad.getVariables().get(name);
            if (v == null) {
                return false;
            }
            String opName = v.getOutputOfOp();
            if (opName == null || visited.contains(opName)) {
                stack.remove(top);
                expanded.remove(top);
                continue;
            }
            SameDiffOp op = grad.getOps().get(opName);
            if (expanded.get(top)) {
                stack.remove(top);
                expanded.remove(top);
                visited.add(opName);
                ordered.add(op);
                continue;
            }
            if (!supported(op)
                    || notEmpty(op.getControlDeps())
                    || notEmpty(op.getVarControlDeps())
                    || notEmpty(v.getControlDeps())) {
                return false;
            }
            expanded.set(top, true);
            for (String input : op.getInputsToOp() == null ? List.<String>of() : op.getInputsToOp()) {
                stack.add(input);
                expanded.add(false);
            }
        }
        return true;
    }

    private static boolean notEmpty(List<String> list) {
        return list != null && !list.isEmpty();
    }

    private static boolean supported(SameDiffOp op) {
        DifferentialFunction f = op.getOp();
        if (f instanceof GradientBackwardsMarker || f instanceof Identity) {
            return true;
        }
        // Control flow, tensor arrays, views, invocations, assertions and external errors are session-managed.
        boolean sessionManaged = f.getClass().getPackageName().startsWith("org.nd4j.linalg.api.ops.impl.controlflow")
                || f instanceof org.nd4j.linalg.api.ops.impl.shape.tensorops.BaseTensorOp
                || f instanceof org.nd4j.linalg.api.ops.impl.shape.CreateView
                || f instanceof org.nd4j.linalg.api.ops.impl.layers.ExternalErrorsFunction
                || f instanceof org.nd4j.linalg.api.ops.custom.Invoke
                || f instanceof org.nd4j.linalg.api.ops.impl.transforms.Assert;
        return !sessionManaged && (f instanceof DynamicCustomOp || f instanceof BaseOp);
    }

    /** The key of a plan: the placeholders' names and shapes (a plan's arrays never change shape). */
    static String signature(Map<String, INDArray> placeholders) {
        StringBuilder key = new StringBuilder();
        placeholders.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> key.append(e.getKey())
                        .append(java.util.Arrays.toString(e.getValue().shape()))
                        .append(';'));
        return key.toString();
    }
}
