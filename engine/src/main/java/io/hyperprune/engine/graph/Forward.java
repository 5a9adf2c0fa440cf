package io.hyperprune.engine.graph;

import java.util.Arrays;
import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The forward pass f(x, w) of a model's layers (the MLP and the reference CIFAR conv net) for K models
 * at once, used by the training graph and by the standalone model a run exports.
 */
final class Forward {

    private Forward() {}

    /**
     * The forward pass of f(x, w) for K models at once. Weights are {@code [K or 1, ...shape]} in
     * {@link ModelSpec#parameters()} order; returns logits [K, B, C].
     */
    static SDVariable logits(SameDiff sd, ModelSpec model, SDVariable x, List<SDVariable> weights, int models) {
        if (model.kind() == ModelSpec.Kind.CONV) {
            return conv(sd, x, weights, models);
        }
        int layers = weights.size() / 2;
        if (models == 1) {
            // One model: plain 2-D matrix products (measured faster than the batched form; see
            // docs/performance.md, "Why each kernel exists").
            SDVariable h = x;
            for (int i = 0; i < layers; i++) {
                SDVariable w = weights.get(2 * i)
                        .reshape(model.layers().get(i), model.layers().get(i + 1));
                SDVariable b = weights.get(2 * i + 1).reshape(model.layers().get(i + 1));
                h = h.mmul(w).add(b);
                if (i + 1 < layers) {
                    h = sd.nn().relu(h, 0);
                }
            }
            return sd.expandDims(h, 0);
        }
        // First layer: one 2-D GEMM for all K models, x [B, in] times the weights laid side by side as
        // [in, K * out]. Tiling x to [K, B, in] for a batched product cost more than the whole rest of
        // the step (SameDiff's tile op; docs/performance.md, "Why each kernel exists").
        // No shape below names K: evaluation may pass more lambdas (and masks) than the K of training.
        long in = model.layers().get(0);
        long out = model.layers().get(1);
        SDVariable wide = weights.get(0).permute(1, 0, 2).reshape(in, -1);
        SDVariable batchByModelsByOut = sd.concat(
                0, sd.sizeAt(x, 0).castTo(DataType.LONG).reshape(1), sd.constant(Nd4j.createFromArray(-1L, out)));
        if (!sd.hasVariable(ModelGraph.FIRST_LAYER_SHAPE)) {
            batchByModelsByOut.rename(ModelGraph.FIRST_LAYER_SHAPE);
        }
        SDVariable h =
                sd.reshape(x.mmul(wide), batchByModelsByOut).permute(1, 0, 2).add(sd.expandDims(weights.get(1), 1));
        for (int i = 1; i < layers; i++) {
            h = sd.nn().relu(h, 0);
            h = sd.mmul(h, weights.get(2 * i)).add(sd.expandDims(weights.get(2 * i + 1), 1));
        }
        return h;
    }

    /** The reference CIFAR net, one model at a time along the model axis (convolutions do not batch over K). */
    private static SDVariable conv(SameDiff sd, SDVariable x, List<SDVariable> weights, int models) {
        // Each model's tensors by squeeze (K = 1) or unstack, not get(SDIndex.point(k)): the gradient of a
        // strided slice fails in libnd4j M2.1 ("lengths of arrays are mismatched"), which stopped every
        // CIFAR run at its first step.
        // A tensor shared by all models ([1, ...shape], e.g. a bias the constant hypernetwork generates
        // once) is squeezed once and used by each.
        List<SDVariable[]> perModel = weights.stream()
                .map(tensor -> {
                    long[] shape = tensor.getShape();
                    if (models == 1 || shape != null && shape.length > 0 && shape[0] == 1) {
                        SDVariable[] same = new SDVariable[models];
                        Arrays.fill(same, sd.squeeze(tensor, 0));
                        return same;
                    }
                    return sd.unstack(tensor, 0, models);
                })
                .toList();
        SDVariable[] logits = new SDVariable[models];
        for (int k = 0; k < models; k++) {
            SDVariable h = x;
            int p = 0;
            for (int i = 0; i < ModelSpec.CONV_CHANNELS.length; i++) {
                SDVariable w = perModel.get(p++)[k];
                SDVariable b = perModel.get(p++)[k];
                h = sd.nn()
                        .relu(
                                sd.cnn()
                                        .conv2d(
                                                h,
                                                w,
                                                b,
                                                Conv2DConfig.builder()
                                                        .kH(3)
                                                        .kW(3)
                                                        .sH(1)
                                                        .sW(1)
                                                        .pH(1)
                                                        .pW(1)
                                                        .paddingMode(PaddingMode.SAME)
                                                        .dataFormat("NCHW")
                                                        .build()),
                                0);
                if (i % 2 == 1) {
                    h = sd.cnn()
                            .maxPooling2d(
                                    h,
                                    Pooling2DConfig.builder()
                                            .kH(2)
                                            .kW(2)
                                            .sH(2)
                                            .sW(2)
                                            .isNHWC(false)
                                            .build());
                }
            }
            h = h.reshape(-1, ModelSpec.CONV_DENSE[0]);
            int denseLayers = ModelSpec.CONV_DENSE.length - 1;
            for (int i = 0; i < denseLayers; i++) {
                SDVariable w = perModel.get(p++)[k];
                SDVariable b = perModel.get(p++)[k];
                h = sd.mmul(h, w).add(b);
                if (i + 1 < denseLayers) {
                    h = sd.nn().relu(h, 0);
                }
            }
            logits[k] = h;
        }
        return sd.stack(0, logits);
    }
}
