package io.hyperprune.engine.compiled;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The output arrays of one {@link Plan}: which arrays it allocated, how long each value lives, and
 * which arrays are free again for a later op's output.
 *
 * <p>Array reuse: an array the plan allocated is free for a later op's output of the same shape and
 * type once no later op reads it. A step then touches a fraction of the memory (a hypernetwork's
 * per-model tensors are ~0.8 MB each, ~30 of them per step), more of it in cache, and a hypernetwork's
 * epoch is measurably shorter (docs/performance.md, "Why each kernel exists"). Not with an op that
 * writes into its input (the liveness below would not see that write).
 *
 * <p>The liveness (the last op reading each variable) is a pass of its own over the schedule, made
 * when the plan is created; the pools fill as the plan wires its ops in order.
 */
final class MemoryPlan {

    private final boolean reuse;
    /** Per variable, the index of the last op reading it ({@link Integer#MAX_VALUE} for results). */
    private final Map<String, Integer> lastRead = new HashMap<>();
    /** Per op, the index of the last later op of the same kind on the same input names (or its own). */
    private final int[] repeatHorizon;
    /** For each array the plan allocated, and each view of one: the allocated array. */
    private final Map<INDArray, INDArray> baseOf = new IdentityHashMap<>();
    /** Allocated arrays still in use, with the index of the last op that reads them. */
    private final Map<INDArray, Integer> inUse = new IdentityHashMap<>();

    private final Map<String, ArrayDeque<INDArray>> free = new HashMap<>();
    private int reused;
    /** Arrays taken so far, when each array was last taken, and the count after each op was wired. */
    private int takes;

    private final Map<INDArray, Integer> takenAt = new IdentityHashMap<>();
    private final int[] takesAfterOp;
    /** The index of the op being wired. */
    private int building;

    /** The liveness of the schedule's values; {@code results} (the caller reads them) live for ever. */
    MemoryPlan(OpSchedule schedule, Set<String> results) {
        List<SameDiffOp> ops = schedule.ops();
        this.reuse = !schedule.writesInPlace();
        this.repeatHorizon = new int[ops.size()];
        this.takesAfterOp = new int[ops.size()];
        Map<String, Integer> lastOfItsKind = new HashMap<>();
        for (int i = ops.size() - 1; i >= 0; i--) {
            DifferentialFunction f = ops.get(i).getOp();
            String[] inputs = f.argNames() == null ? new String[0] : f.argNames();
            for (String input : inputs) {
                lastRead.putIfAbsent(input, i);
            }
            // A later op of the same kind on the same inputs may repeat this one (see Repeats): keep the
            // outputs until then (exp's gradient recomputes exp of the same input, far after the forward).
            String kind = f.getClass().getName() + f.opName() + Arrays.toString(inputs);
            repeatHorizon[i] = lastOfItsKind.getOrDefault(kind, i);
            lastOfItsKind.putIfAbsent(kind, i);
        }
        results.forEach(result -> lastRead.put(result, Integer.MAX_VALUE));
    }

    /** Output arrays taken that were free again, dead arrays of earlier ops (for tests). */
    int reused() {
        return reused;
    }

    /** An output array: a free one of this shape and type, else a new one. */
    INDArray take(long[] shape, DataType dataType) {
        ArrayDeque<INDArray> pool = reuse ? free.get(dataType + Arrays.toString(shape)) : null;
        INDArray array = pool == null ? null : pool.poll();
        if (array != null) {
            reused++;
        } else {
            array = Nd4j.createUninitializedDetached(dataType, shape);
        }
        takenAt.put(array, ++takes);
        baseOf.put(array, array);
        inUse.put(array, -1);
        return array;
    }

    /**
     * Frees the native memory of every array this plan allocated; the plan must not run again. Why not
     * leave it to the garbage collector: a conv net's evaluation plan holds gigabytes of native memory
     * behind a few small Java objects, which a 1 GiB heap may keep for a long time.
     */
    void release() {
        baseOf.forEach((array, base) -> {
            if (array == base && array.closeable()) {
                array.close();
            }
        });
        baseOf.clear();
        inUse.clear();
        free.clear();
        takenAt.clear();
    }

    /** An output array of this shape ({@link #take}), or an empty array. */
    INDArray allocate(LongShapeDescriptor shape, DataType dataType) {
        return shape.isEmpty() ? Nd4j.empty(dataType) : take(shape.getShape(), dataType);
    }

    /** Records that {@code view} is a view of {@code array}: it lives in that array's memory. */
    void viewOf(INDArray view, INDArray array) {
        if (baseOf.containsKey(array)) {
            baseOf.put(view, baseOf.get(array));
        }
    }

    /** The array this plan allocated that holds {@code array} (itself, or the base of a view), or null. */
    INDArray baseOf(INDArray array) {
        return baseOf.get(array);
    }

    /** Op {@code index} is being wired. */
    void wiring(int index) {
        building = index;
    }

    /** The op being wired took all its output arrays. */
    void wired() {
        takesAfterOp[building] = takes;
    }

    /**
     * After op {@code index} has run: extends the life of the arrays its outputs name to their last
     * reader, then frees the arrays nothing after this op reads and returns them (their identity will
     * mean other values).
     */
    List<INDArray> afterOp(int index, List<String> outputs, Map<String, INDArray> values, boolean constant) {
        for (String output : outputs) {
            INDArray base = baseOf.get(values.get(output));
            if (base != null && inUse.containsKey(base)) {
                int last = constant
                        ? Integer.MAX_VALUE
                        : Math.max(lastRead.getOrDefault(output, index), repeatHorizon[index]);
                inUse.put(base, Math.max(inUse.get(base), last));
            }
        }
        if (!reuse) {
            return List.of();
        }
        List<INDArray> dead = inUse.entrySet().stream()
                .filter(e -> e.getValue() <= index)
                .map(Map.Entry::getKey)
                .toList();
        for (INDArray base : dead) {
            inUse.remove(base);
            free.computeIfAbsent(base.dataType() + Arrays.toString(base.shape()), key -> new ArrayDeque<>())
                    .add(base);
        }
        return dead;
    }

    /**
     * Whether {@code array}, the value of a variable made by op {@code producer} (null: by none), still
     * holds that value while the op being wired runs: an array this plan did not allocate (a
     * parameter, placeholder or constant), or one in use whose last taking was for the producing op or
     * earlier, so no op since wrote into it.
     */
    boolean holds(INDArray array, Integer producer) {
        if (array == null) {
            return false;
        }
        INDArray base = baseOf.get(array);
        if (base == null) {
            return true;
        }
        return producer != null
                && producer < building
                && inUse.containsKey(base)
                && takenAt.get(base) <= takesAfterOp[producer];
    }
}
