package io.hyperprune.engine.train;

import io.hyperprune.api.Dataset;
import io.hyperprune.api.ParameterSpec;
import io.hyperprune.engine.graph.GraphInputs;
import io.hyperprune.engine.graph.ModelGraph;
import io.hyperprune.engine.kernels.ProductHelper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.MultiDataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A run's mini-batches with their lambdas and reparametrisation noise, all derived from (seed, epoch):
 * the same seed gives the same batches, lambda samples and noise on any thread. The compiled path
 * writes them into reused slots; the session path ({@code fit}) gets fresh arrays.
 */
final class BatchSource {

    private final ModelGraph graph;
    private final Dataset data;
    private final TrainingSettings settings;
    private final boolean hypernetwork;
    private final MiniBatches trainBatches;
    private final Slots slots = new Slots();

    BatchSource(ModelGraph graph, Dataset data, TrainingSettings settings, boolean hypernetwork) {
        this.graph = graph;
        this.data = data;
        this.settings = settings;
        this.hypernetwork = hypernetwork;
        this.trainBatches =
                new MiniBatches(data.train(), data.classes(), settings.batchSize(), data.trainAugmentation());
    }

    int batchCount() {
        return trainBatches.batchCount();
    }

    /** One epoch's batches (numbered from 1) in fresh arrays, for SameDiff's {@code fit}. */
    MultiDataSetIterator epoch(int epoch) {
        return new EpochBatches(epoch, null, null);
    }

    /**
     * One epoch's batches written into reused slots; with a helper, the noise draw takes blocks of the
     * products the training step shares with it. At most {@link Slots#SLOTS} - 1 batches may be held at once.
     */
    MultiDataSetIterator epochInSlots(int epoch, ProductHelper helper) {
        return new EpochBatches(epoch, slots, helper);
    }

    /** Batches a consumer of {@link #epochInSlots} may queue ahead of the one being trained. */
    static int slotsAhead() {
        return Slots.SLOTS - 2;
    }

    /**
     * Noise for the training-loss probe after an epoch: eps per parameter, one draw per call, from a
     * stream of its own, so probing leaves training's draws untouched.
     */
    Supplier<List<INDArray>> lossProbeNoise(int epoch) {
        EpochBatches draw = new EpochBatches(-epoch, null, null);
        return draw::noise;
    }

    /**
     * Reused input arrays for the compiled path, a ring of {@value #SLOTS} slots per batch size, each
     * {x, y, lambda, t, eps per parameter}. Batches are drawn on the prefetch thread; allocating them
     * there for every step made glibc keep each thread's freed buffers apart (RSS grew by 1.5 GiB in 7
     * epochs). Four slots cover the one being trained, two queued and one being drawn.
     */
    private final class Slots {

        static final int SLOTS = 4;

        private final Map<Integer, INDArray[][]> bySize = new HashMap<>();
        private final Map<Integer, Integer> turn = new HashMap<>();

        INDArray[] take(int batch) {
            INDArray[][] ring = bySize.computeIfAbsent(batch, this::allocate);
            int index = turn.merge(batch, 1, Integer::sum) % SLOTS;
            return ring[index];
        }

        private INDArray[][] allocate(int batch) {
            int models = graph.models();
            long[] sample = data.train().features().shape().clone();
            sample[0] = batch;
            INDArray[][] ring = new INDArray[SLOTS][];
            for (int i = 0; i < SLOTS; i++) {
                List<INDArray> slot = new ArrayList<>(List.of(
                        Nd4j.createUninitialized(DataType.FLOAT, sample),
                        Nd4j.createUninitialized(DataType.FLOAT, batch, data.classes()),
                        Nd4j.createUninitialized(DataType.FLOAT, models),
                        Nd4j.createUninitialized(DataType.FLOAT, models)));
                if (graph.stochastic()) {
                    for (ParameterSpec parameter : graph.parameters()) {
                        slot.add(Nd4j.createUninitialized(
                                DataType.FLOAT, ModelGraph.withModelAxis(models, parameter.shape())));
                    }
                }
                ring[i] = slot.toArray(INDArray[]::new);
            }
            return ring;
        }
    }

    /** One epoch of mini-batches with their lambdas and noise, all derived from (seed, epoch). */
    private final class EpochBatches implements MultiDataSetIterator {

        private static final long serialVersionUID = 1L;

        private final Iterator<Batch> batches;
        /** With slots: the batches' rows, gathered into reused arrays. */
        private final Iterator<int[]> rows;

        private final Slots slots;
        private final SplittableRandom lambdaRandom;
        private final GaussianNoise noise;

        EpochBatches(int epoch, Slots slots, ProductHelper helper) {
            long epochSeed = ModelGraph.mix(settings.seed(), "epoch-" + epoch);
            this.slots = slots != null && !trainBatches.augmented() ? slots : null;
            this.rows = this.slots != null && epoch > 0
                    ? trainBatches.epochRows(settings.seed(), epoch)
                    : Collections.emptyIterator();
            this.batches = this.slots == null && epoch > 0
                    ? trainBatches.epoch(settings.seed(), epoch)
                    : Collections.emptyIterator();
            this.lambdaRandom = new SplittableRandom(epochSeed);
            this.noise = graph.stochastic() ? new GaussianNoise(ModelGraph.mix(epochSeed, "noise"), helper) : null;
        }

        @Override
        public boolean hasNext() {
            return slots != null ? rows.hasNext() : batches.hasNext();
        }

        private double[] nextLambdas() {
            int models = graph.models();
            double[] lambdas = new double[models];
            for (int k = 0; k < models; k++) {
                lambdas[k] = hypernetwork
                        ? settings.range().logUniform(lambdaRandom.nextDouble())
                        : settings.lambdas().get(k);
            }
            return lambdas;
        }

        @Override
        public MultiDataSet next() {
            if (slots != null) {
                return nextInSlot();
            }
            Batch batch = batches.next();
            Map<String, INDArray> inputs = new HashMap<>();
            GraphInputs.putLambdas(inputs, nextLambdas(), settings.range());
            List<INDArray> features =
                    new ArrayList<>(List.of(batch.features(), inputs.get(ModelGraph.LAMBDA), inputs.get(ModelGraph.T)));
            if (noise != null) {
                features.addAll(noise());
            }
            return new org.nd4j.linalg.dataset.MultiDataSet(
                    features.toArray(INDArray[]::new), new INDArray[] {batch.labels()});
        }

        /** The same batch, lambdas and noise as {@link #next()} draws, written into a reused slot. */
        private MultiDataSet nextInSlot() {
            int[] batchRows = rows.next();
            INDArray[] slot = slots.take(batchRows.length);
            trainBatches.gatherInto(batchRows, slot[0], slot[1]);
            double[] lambdas = nextLambdas();
            for (int k = 0; k < lambdas.length; k++) {
                GraphInputs.putLambda(slot[2], slot[3], k, lambdas[k], settings.range());
            }
            if (noise != null) {
                for (int i = 4; i < slot.length; i++) {
                    noise.fill(slot[i], noiseCopies());
                }
            }
            INDArray[] features = new INDArray[slot.length - 1];
            features[0] = slot[0];
            System.arraycopy(slot, 2, features, 1, slot.length - 2);
            return new org.nd4j.linalg.dataset.MultiDataSet(features, new INDArray[] {slot[1]});
        }

        /**
         * eps [K, ...shape] per parameter, in parameter order: a hypernetwork's K samples each get their own
         * draw; K independent plain models share one draw, as each would draw the same one alone from the
         * same seed.
         */
        List<INDArray> noise() {
            List<INDArray> result = new ArrayList<>();
            for (ParameterSpec parameter : graph.parameters()) {
                INDArray eps = Nd4j.createUninitialized(
                        DataType.FLOAT, ModelGraph.withModelAxis(graph.models(), parameter.shape()));
                noise.fill(eps, noiseCopies());
                result.add(eps);
            }
            return result;
        }

        /** Equal noise blocks per eps array: K for independent plain models, 1 for a hypernetwork's samples. */
        private int noiseCopies() {
            return hypernetwork ? 1 : graph.models();
        }

        @Override
        public MultiDataSet next(int num) {
            throw new UnsupportedOperationException("batch size is fixed");
        }

        @Override
        public void setPreProcessor(MultiDataSetPreProcessor preProcessor) {
            throw new UnsupportedOperationException("no pre-processing");
        }

        @Override
        public MultiDataSetPreProcessor getPreProcessor() {
            return null;
        }

        @Override
        public boolean resetSupported() {
            return false;
        }

        @Override
        public boolean asyncSupported() {
            // Prefetching on another thread would be harmless for order, but keeps the noise generator single-threaded.
            return false;
        }

        @Override
        public void reset() {
            throw new UnsupportedOperationException("one pass per epoch");
        }
    }
}
