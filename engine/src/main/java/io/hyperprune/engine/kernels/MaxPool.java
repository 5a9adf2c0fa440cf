package io.hyperprune.engine.kernels;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;

/**
 * Max pooling over 2 x 2 windows with stride 2 on NCHW arrays (the conv net's only pooling), forward
 * ({@code maxpool2d}) and gradient ({@code maxpool2d_bp}), computed in Java. Why: libnd4j M2.1 took ~100
 * ms for a forward and ~165 ms for a gradient of a [128, 96, 32, 32] batch on one core, 17 % of a conv
 * training step, for a pass that only reads the input once (docs/performance.md, "Why each kernel
 * exists"). Same results as libnd4j's: the maximum starts below every float and takes a value only if
 * it is greater (a NaN never wins), and the gradient goes to the first maximum of a window in row-major
 * order. Not thread-safe.
 */
public final class MaxPool implements Runnable {

    /** Input planes read per chunk: a plane of the conv net is at most 32 x 32 floats. */
    private static final int CHUNK_FLOATS = 1 << 16;

    private final INDArray input;
    /** The output's gradient for {@code maxpool2d_bp}, else null. */
    private final INDArray outputGradient;

    private final INDArray output;
    private final int planes;
    private final int height;
    private final int width;
    private final int planesPerChunk;
    private final float[] in;
    private final float[] pooled;
    private final float[] result;
    private final FloatBuffer inputs;
    private final FloatBuffer outputGradients;
    private final FloatBuffer outputs;

    private MaxPool(INDArray input, INDArray outputGradient, INDArray output) {
        this.input = input;
        this.outputGradient = outputGradient;
        this.output = output;
        long[] shape = input.shape();
        this.planes = (int) (shape[0] * shape[1]);
        this.height = (int) shape[2];
        this.width = (int) shape[3];
        int plane = height * width;
        this.planesPerChunk = Math.max(1, Math.min(planes, CHUNK_FLOATS / plane));
        this.in = new float[planesPerChunk * plane];
        this.pooled = new float[planesPerChunk * plane / 4];
        this.result = outputGradient == null ? pooled : new float[planesPerChunk * plane];
        this.inputs = NativeFloats.of(input);
        this.outputGradients = outputGradient == null ? null : NativeFloats.of(outputGradient);
        this.outputs = NativeFloats.of(output);
    }

    /**
     * Whether {@code op} is a {@code maxpool2d} (gradient: {@code maxpool2d_bp}) this class computes: 2 x 2
     * windows, stride 2, no padding or dilation, valid mode, NCHW, even height and width, contiguous floats.
     */
    public static boolean applies(DynamicCustomOp op, INDArray[] args, boolean gradient) {
        long[] a = op.iArgs();
        if (!op.opName().equals(gradient ? "maxpool2d_bp" : "maxpool2d")
                || a.length < 11
                || a[0] != 2
                || a[1] != 2
                || a[2] != 2
                || a[3] != 2
                || a[4] != 0
                || a[5] != 0
                || a[6] != 1
                || a[7] != 1
                || a[8] != 0
                || a[10] != 0
                || args.length != (gradient ? 2 : 1)) {
            return false;
        }
        INDArray x = args[0];
        if (x.rank() != 4 || x.size(2) % 2 != 0 || x.size(3) % 2 != 0 || !NativeFloats.readable(x)) {
            return false;
        }
        if (!gradient) {
            return true;
        }
        INDArray g = args[1];
        return g.rank() == 4
                && g.size(0) == x.size(0)
                && g.size(1) == x.size(1)
                && g.size(2) * 2 == x.size(2)
                && g.size(3) * 2 == x.size(3)
                && NativeFloats.readable(g);
    }

    /** The forward pass's output shape for input {@code x}. */
    public static long[] pooledShape(INDArray x) {
        return new long[] {x.size(0), x.size(1), x.size(2) / 2, x.size(3) / 2};
    }

    /** {@code maxpool2d} of {@code x} into {@code output} (contiguous floats of {@link #pooledShape}). */
    public static MaxPool forward(INDArray x, INDArray output) {
        return new MaxPool(x, null, output);
    }

    /** {@code maxpool2d_bp}: the gradient of {@code x} into {@code output} (contiguous floats of x's shape). */
    public static MaxPool gradient(INDArray x, INDArray outputGradient, INDArray output) {
        return new MaxPool(x, outputGradient, output);
    }

    @Override
    public void run() {
        int plane = height * width;
        int pooledPlane = plane / 4;
        int inOffset = (int) input.offset();
        int outOffset = (int) output.offset();
        int gradOffset = outputGradient == null ? 0 : (int) outputGradient.offset();
        for (int first = 0; first < planes; first += planesPerChunk) {
            int count = Math.min(planesPerChunk, planes - first);
            inputs.get(inOffset + first * plane, in, 0, count * plane);
            if (outputGradient == null) {
                pool(count);
                outputs.put(outOffset + first * pooledPlane, pooled, 0, count * pooledPlane);
            } else {
                outputGradients.get(gradOffset + first * pooledPlane, pooled, 0, count * pooledPlane);
                route(count);
                outputs.put(outOffset + first * plane, result, 0, count * plane);
            }
        }
    }

    private void pool(int count) {
        int half = width / 2;
        int o = 0;
        for (int p = 0; p < count; p++) {
            int base = p * height * width;
            for (int row = 0; row < height; row += 2) {
                int top = base + row * width;
                int bottom = top + width;
                for (int col = 0; col < half; col++) {
                    int c = 2 * col;
                    float m = -Float.MAX_VALUE;
                    m = in[top + c] > m ? in[top + c] : m;
                    m = in[top + c + 1] > m ? in[top + c + 1] : m;
                    m = in[bottom + c] > m ? in[bottom + c] : m;
                    m = in[bottom + c + 1] > m ? in[bottom + c + 1] : m;
                    pooled[o++] = m;
                }
            }
        }
    }

    /** Each window's output gradient to the window's first maximum; zeros elsewhere. */
    private void route(int count) {
        int half = width / 2;
        int o = 0;
        Arrays.fill(result, 0, count * height * width, 0f);
        for (int p = 0; p < count; p++) {
            int base = p * height * width;
            for (int row = 0; row < height; row += 2) {
                int top = base + row * width;
                int bottom = top + width;
                for (int col = 0; col < half; col++) {
                    int c = 2 * col;
                    float m = -Float.MAX_VALUE;
                    int at = top + c;
                    if (in[top + c] > m) {
                        m = in[top + c];
                    }
                    if (in[top + c + 1] > m) {
                        m = in[top + c + 1];
                        at = top + c + 1;
                    }
                    if (in[bottom + c] > m) {
                        m = in[bottom + c];
                        at = bottom + c;
                    }
                    if (in[bottom + c + 1] > m) {
                        at = bottom + c + 1;
                    }
                    result[at] = pooled[o++];
                }
            }
        }
    }
}
