package io.hyperprune.engine.compiled;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.BaseTransformOp;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.RandomOp;
import org.nd4j.linalg.api.ops.impl.transforms.custom.Assign;

/**
 * Duplicate-op removal within one {@link Plan}: an op that repeats an earlier op (same op, arguments
 * and input arrays) is not executed again, its outputs are the earlier op's. Why: SameDiff does not
 * merge equal sub-graphs, and its gradient functions recompute forward values, e.g. exp's gradient
 * recomputes exp of the same input.
 */
final class Repeats {

    /** The outputs of the ops wired so far, by what they compute ({@link #key}). */
    private final Map<List<Object>, List<INDArray>> computed = new HashMap<>();

    private int repeats;

    /**
     * What an op computes, for recognising a repeat: its class, name, arguments and the identities of
     * its input arrays; null for ops that must run every time (random, in place) or whose settings
     * the key would not capture (legacy ops other than transforms).
     */
    static List<Object> key(DifferentialFunction f, INDArray[] args) {
        if (f instanceof RandomOp || f.getClass().getPackageName().contains(".random") || f instanceof Assign) {
            return null;
        }
        List<Object> key = new ArrayList<>(List.of(f.getClass(), f.opName()));
        if (f instanceof DynamicCustomOp custom) {
            if (custom.isInplaceCall()) {
                return null;
            }
            key.add(Arrays.toString(custom.iArgs()));
            key.add(Arrays.toString(custom.tArgs()));
            key.add(Arrays.toString(custom.bArgs()));
            key.add(Arrays.toString(custom.dArgs()));
        } else if (f instanceof BaseTransformOp transform) {
            key.add(Arrays.toString(transform.extraArgs()));
        } else {
            return null;
        }
        for (INDArray arg : args) {
            key.add(new Same(arg));
        }
        return key;
    }

    /**
     * The output arrays of an earlier op that computes what {@code key} describes, with this many
     * outputs (counted as a repeat), or null (also for a null key).
     */
    List<INDArray> earlier(List<Object> key, int outputs) {
        List<INDArray> earlier = key == null ? null : computed.get(key);
        if (earlier != null && earlier.size() == outputs) {
            repeats++;
            return earlier;
        }
        return null;
    }

    /** The op {@code key} describes writes these arrays (an entry may be null: an output not computed). */
    void remember(List<Object> key, List<INDArray> outputs) {
        if (key != null) {
            computed.put(key, outputs);
        }
    }

    /** Forgets the ops that read or wrote the array {@code base} (its memory will hold other values). */
    void forget(INDArray base, MemoryPlan memory) {
        computed.entrySet()
                .removeIf(e -> e.getValue().stream().anyMatch(a -> memory.baseOf(a) == base)
                        || e.getKey().stream()
                                .anyMatch(k -> k instanceof Same same && memory.baseOf(same.array()) == base));
    }

    /** Ops not executed because an earlier op computes the same. */
    int repeats() {
        return repeats;
    }

    /** An array compared by identity. */
    private record Same(INDArray array) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Same other && other.array == array;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(array);
        }
    }
}
