package io.hyperprune.engine.kernels;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.loss.bp.SoftmaxCrossEntropyLossBp;

/**
 * The gradient of SameDiff's softmax cross-entropy loss with respect to the logits
 * ({@code softmax_cross_entropy_loss_grad}'s first output) computed in Java, for a scalar weight and
 * no label smoothing: dL/dx = (softmax(x) * sum(y) - y) * scale, where scale is the weight for a sum
 * (reduction modes 0 and 1), 1 / count for a weighted mean (2) and weight / count for a mean over
 * non-zero weights (3). Why: libnd4j M2.1 runs about ten separate passes with temporaries (softmax,
 * its log for the labels' gradient, the loss again for the weights' gradient); this takes a small
 * fraction of their time (docs/performance.md, "Why each kernel exists"). Only for a plan that reads neither the
 * weights' nor the labels' gradient. Not thread-safe.
 */
public final class SoftmaxCrossEntropyGradient implements Runnable {

    private final INDArray logits;
    private final INDArray weight;
    private final INDArray labels;
    private final INDArray output;
    private final int reductionMode;
    private final int classes;
    private final float[] x;
    private final float[] y;
    /** The arrays' buffers, made once: the arrays never change for a plan (the fields above keep them alive). */
    private final FloatBuffer xs;

    private final FloatBuffer ys;
    private final FloatBuffer out;

    private SoftmaxCrossEntropyGradient(
            INDArray logits, INDArray weight, INDArray labels, INDArray output, int reductionMode) {
        this.logits = logits;
        this.weight = weight;
        this.labels = labels;
        this.output = output;
        this.reductionMode = reductionMode;
        this.classes = (int) logits.size(1);
        this.x = new float[(int) logits.length()];
        this.y = new float[(int) logits.length()];
        this.xs = NativeFloats.of(logits);
        this.ys = NativeFloats.of(labels);
        this.out = NativeFloats.of(output);
    }

    /**
     * Whether this op is a softmax cross-entropy gradient {@link #of} computes: [rows, classes] float
     * logits and labels, a scalar float weight, no label smoothing. The caller checks that only the
     * first output is read.
     */
    public static boolean applies(DynamicCustomOp op, INDArray[] args) {
        return op instanceof SoftmaxCrossEntropyLossBp
                && args.length == 3
                && op.iArgs().length == 1
                && op.iArgs()[0] >= 0
                && op.iArgs()[0] <= 3
                && Arrays.stream(op.tArgs()).allMatch(smoothing -> smoothing == 0)
                && args[0].rank() == 2
                && Arrays.equals(args[0].shape(), args[2].shape())
                && args[0].length() <= 1 << 24
                && NativeFloats.readable(args[0])
                && NativeFloats.readable(args[2])
                && args[1].length() == 1
                && args[1].dataType() == args[0].dataType();
    }

    /** The op's first output, written into {@code output} (a contiguous float array of the logits' shape). */
    public static SoftmaxCrossEntropyGradient of(DynamicCustomOp op, INDArray[] args, INDArray output) {
        return new SoftmaxCrossEntropyGradient(args[0], args[1], args[2], output, (int) op.iArgs()[0]);
    }

    /** The factor libnd4j applies for a scalar weight (in float, as libnd4j divides a float array by a count). */
    static float scale(int reductionMode, float weight, long rows) {
        return switch (reductionMode) {
            case 0, 1 -> weight;
            case 2 -> weight * rows == 0 ? 0f : weight / (weight * rows);
            default -> weight == 0 ? 0f : weight / rows;
        };
    }

    @Override
    public void run() {
        // Read every step, as libnd4j does: the weight may be computed by the graph (1 / batch size).
        float scale = scale(reductionMode, weight.getFloat(0), logits.size(0));
        int length = x.length;
        xs.get((int) logits.offset(), x, 0, length);
        ys.get((int) labels.offset(), y, 0, length);
        for (int row = 0; row < length; row += classes) {
            float max = Float.NEGATIVE_INFINITY;
            for (int j = row; j < row + classes; j++) {
                max = Math.max(max, x[j]);
            }
            float sum = 0;
            float labelSum = 0;
            for (int j = row; j < row + classes; j++) {
                x[j] = (float) Math.exp(x[j] - max);
                sum += x[j];
                labelSum += y[j];
            }
            for (int j = row; j < row + classes; j++) {
                x[j] = (x[j] / sum * labelSum - y[j]) * scale;
            }
        }
        out.put((int) output.offset(), x, 0, length);
    }
}
