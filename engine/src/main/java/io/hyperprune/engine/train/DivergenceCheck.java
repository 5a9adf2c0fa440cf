package io.hyperprune.engine.train;

import io.hyperprune.engine.kernels.NativeFloats;
import java.util.List;
import java.util.function.IntConsumer;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Reports steps and stops on divergence. SameDiff M2.1 hands listeners zero loss values, so
 * divergence is read off the output layer's bias tensors instead: every sample's loss gradient
 * flows into them, so a NaN/Inf loss makes them non-finite after the step.
 */
final class DivergenceCheck extends BaseListener {

    private final int epoch;
    private final IntConsumer onStep;
    private final List<String> sentinels;
    private int steps;

    DivergenceCheck(int epoch, IntConsumer onStep, List<String> sentinels) {
        this.epoch = epoch;
        this.onStep = onStep;
        this.sentinels = sentinels;
    }

    /**
     * A non-finite element of the array, or 0 if all are finite. Read in Java from a copy of its
     * floats: a native sum per sentinel and step cost a fair part of a small net's step
     * (docs/performance.md, "Why each kernel exists").
     */
    static float firstNonFinite(INDArray array) {
        if (!NativeFloats.readable(array)) {
            double sum = array.sumNumber().doubleValue();
            return Double.isFinite(sum) ? 0f : (float) sum;
        }
        float[] values = new float[(int) array.length()];
        NativeFloats.of(array).get((int) array.offset(), values);
        for (float value : values) {
            if (!Float.isFinite(value)) {
                return value;
            }
        }
        return 0f;
    }

    @Override
    public boolean isActive(Operation operation) {
        return operation == Operation.TRAINING;
    }

    @Override
    public void iterationDone(SameDiff sd, At at, MultiDataSet dataSet, org.nd4j.autodiff.listeners.Loss loss) {
        steps++;
        for (String name : sentinels) {
            float bad = firstNonFinite(sd.getVariable(name).getArr());
            if (!Float.isFinite(bad)) {
                throw new DivergedException(epoch, steps, bad);
            }
        }
        onStep.accept(steps);
    }
}
