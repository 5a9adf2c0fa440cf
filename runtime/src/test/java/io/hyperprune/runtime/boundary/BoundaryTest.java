package io.hyperprune.runtime.boundary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.DataLocation;
import io.hyperprune.api.DataRequest;
import io.hyperprune.api.DataSplit;
import io.hyperprune.api.Dataset;
import io.hyperprune.api.DatasetProvider;
import io.hyperprune.api.InputException;
import io.hyperprune.api.ParameterSpec;
import io.hyperprune.api.PosteriorView;
import io.hyperprune.api.PruningCriterion;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Every result a plugin hands back is checked against its SPI, and every fault names the plugin. */
class BoundaryTest {

    private static final ParameterSpec W =
            new ParameterSpec("dense0/W", new long[] {4, 3}, ParameterSpec.Kind.WEIGHT, 4, 3);
    private static final PluginRef PLUGIN = new PluginRef("pruning criterion", "odd", "example.Odd", "plugins/odd.jar");

    private static PosteriorView view() {
        return PosteriorView.gaussian(
                W, Nd4j.linspace(DataType.FLOAT, 1, 12, 1).reshape(4, 3), Nd4j.valueArrayOf(new long[] {4, 3}, 0.5f));
    }

    /** A plugin criterion as the loader hands it out. */
    private static PruningCriterion criterion(Function<PosteriorView, INDArray> scores) {
        PruningCriterion raw = new PruningCriterion() {
            @Override
            public String id() {
                return "odd";
            }

            @Override
            public String description() {
                return "test";
            }

            @Override
            public INDArray scores(PosteriorView parameter, long seed, ComponentOptions options) {
                return scores.apply(parameter);
            }
        };
        return Boundary.wrap(PruningCriterion.class, raw, PLUGIN, "test", Map.of());
    }

    private static String fault(PruningCriterion criterion) {
        try {
            criterion.scores(view(), 1, ComponentOptions.none("odd"));
        } catch (PluginFault e) {
            assertThat(e.plugin()).isEqualTo(PLUGIN);
            assertThat(e).isInstanceOf(InputException.class);
            return e.getMessage();
        }
        throw new AssertionError("no fault");
    }

    @Test
    void transposedScoresWithTheRightElementCountAreRefused() {
        assertThat(fault(criterion(p -> p.mean().transpose().dup())))
                .startsWith("pruning criterion 'odd' from plugins/odd.jar: ")
                .contains(
                        "shape [3, 4]",
                        "dense0/W of shape [4, 3]",
                        "remove plugins/odd.jar from the plugins directory");
    }

    @Test
    void flattenedOrShortScoresAreRefused() {
        assertThat(fault(criterion(p -> p.mean().reshape(12)))).contains("shape [12]", "of shape [4, 3]");
        assertThat(fault(criterion(p -> Nd4j.ones(DataType.FLOAT, 11)))).contains("shape [11]");
    }

    @Test
    void nonFiniteScoresNameTheFirstElement() {
        assertThat(fault(criterion(p -> {
                    INDArray s = p.mean().dup();
                    s.putScalar(1, 2, Double.NaN);
                    s.putScalar(3, 0, Double.POSITIVE_INFINITY);
                    return s;
                })))
                .contains("scores of parameter dense0/W are not all finite: NaN at [1, 2]");
        // A double beyond float range becomes infinity in the float32 masks: refused too.
        double[] huge = new double[12];
        java.util.Arrays.fill(huge, 1e300);
        assertThat(fault(criterion(p -> Nd4j.createFromArray(huge).reshape(4, 3))))
                .contains("1.0E300 at [0, 0]");
    }

    @Test
    void aThrowingCriterionIsNamedWithItsExceptionEvenWithoutMessage() {
        assertThat(fault(criterion(p -> {
                    throw new NullPointerException();
                })))
                .startsWith(
                        "pruning criterion 'odd' from plugins/odd.jar: scores failed: NullPointerException: no message at"
                                + " io.hyperprune.runtime.boundary.BoundaryTest.lambda$");
        assertThat(fault(criterion(p -> {
                    throw new NoClassDefFoundError("com/acme/Missing");
                })))
                .contains("scores failed: NoClassDefFoundError: com/acme/Missing");
        assertThat(fault(criterion(p -> null))).contains("scores returned null");
    }

    @Test
    void aCriterionModifyingItsInputIsRefused() {
        assertThat(fault(criterion(p -> p.mean().muli(2)))).contains("modified its input");
    }

    @Test
    void goodScoresPassUnchanged() {
        INDArray scores = criterion(p -> p.mean().mul(p.mean())).scores(view(), 1, ComponentOptions.none("odd"));
        assertThat(scores.shape()).containsExactly(4, 3);
    }

    @Test
    void anInputExceptionWithAMessageIsTheUsersAndPassesUnchanged() {
        PruningCriterion criterion = criterion(p -> {
            throw new InputException("option 'odd.x' must be positive");
        });
        assertThatThrownBy(() -> criterion.scores(view(), 1, ComponentOptions.none("odd")))
                .isExactlyInstanceOf(InputException.class)
                .hasMessage("option 'odd.x' must be positive");
    }

    @Test
    void theIdIsReadOnceWhenGuarded() {
        AtomicInteger calls = new AtomicInteger();
        PruningCriterion shifty = new PruningCriterion() {
            @Override
            public String id() {
                return calls.getAndIncrement() == 0 ? "first" : "later-" + calls.get();
            }

            @Override
            public String description() {
                return "changes its id";
            }

            @Override
            public INDArray scores(PosteriorView parameter, long seed, ComponentOptions options) {
                return parameter.mean().dup();
            }
        };
        PruningCriterion guarded = Boundary.guard(PruningCriterion.class, shifty);
        assertThat(List.of(guarded.id(), guarded.id(), guarded.id())).containsOnly("first");
        assertThat(Boundary.guard(PruningCriterion.class, guarded)).isSameAs(guarded);
        assertThat(Boundary.plugin(PruningCriterion.class, guarded).toString())
                .isEqualTo("pruning criterion 'first' from built-in");
    }

    private static DatasetProvider provider(Dataset data) {
        DatasetProvider raw = new DatasetProvider() {
            @Override
            public String id() {
                return "toy";
            }

            @Override
            public String description() {
                return "toy";
            }

            @Override
            public DataLocation locate(DataRequest request) {
                return null;
            }

            @Override
            public Dataset load(DataRequest request) {
                return data;
            }
        };
        return Boundary.wrap(
                DatasetProvider.class,
                raw,
                new PluginRef("data set", "toy", "example.Toy", "plugins/toy.jar"),
                "toy",
                Map.of());
    }

    private static DataSplit split(float[] features, int[] labels) {
        return new DataSplit(Nd4j.createFromArray(features).reshape(labels.length, 2), Nd4j.createFromArray(labels));
    }

    private static Dataset data(DataSplit train, DataSplit test) {
        return new Dataset("toy", train, test, 3, new long[] {2}, Map.of(), "memory", Optional.empty());
    }

    private static String loadFault(Dataset data) {
        DataRequest request =
                new DataRequest(List.of(), Path.of("cache"), true, List.of(), 1, ComponentOptions.none("toy"));
        try {
            provider(data).load(request);
        } catch (PluginFault e) {
            return e.getMessage();
        }
        throw new AssertionError("no fault");
    }

    @Test
    void aDataSetIsCheckedOncePerLoad() {
        DataSplit good = split(new float[] {0, 1, 2, 3}, new int[] {0, 2});
        assertThat(loadFault(data(split(new float[] {0, 1, 2, 3}, new int[] {0, 3}), good)))
                .startsWith(
                        "data set 'toy' from plugins/toy.jar: load returned training labels from 0 to 3, outside [0, 3)");
        assertThat(loadFault(data(good, split(new float[] {0, 1, -1, 3}, new int[] {-1, 1}))))
                .contains("test labels from -1");
        assertThat(loadFault(data(good, split(new float[] {0, Float.NaN, 2, 3}, new int[] {0, 1}))))
                .contains("test features that are not finite: NaN at [0, 1]");
        DataSplit empty = new DataSplit(Nd4j.create(DataType.FLOAT, 0, 2), Nd4j.create(DataType.INT, 0));
        assertThat(loadFault(data(good, empty))).contains("empty test split");
        assertThat(provider(data(good, good))
                        .load(new DataRequest(
                                List.of(), Path.of("c"), true, List.of(), 1, ComponentOptions.none("toy")))
                        .train()
                        .size())
                .isEqualTo(2);
        assertThatThrownBy(() -> provider(data(good, good)).locate(null))
                .isInstanceOf(PluginFault.class)
                .hasMessageContaining("locate returned null");
    }

    @Test
    void anAugmentationMustKeepTheBatchShape() {
        DataSplit good = split(new float[] {0, 1, 2, 3}, new int[] {0, 2});
        Dataset shrinking = new Dataset(
                "toy",
                good,
                good,
                3,
                new long[] {2},
                Map.of(),
                "memory",
                Optional.of((batch, random) -> batch.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 1))));
        Dataset loaded = provider(shrinking)
                .load(new DataRequest(List.of(), Path.of("c"), true, List.of(), 1, ComponentOptions.none("toy")));
        assertThatThrownBy(() -> loaded.trainAugmentation()
                        .orElseThrow()
                        .apply(good.features(), new java.util.SplittableRandom(1)))
                .isInstanceOf(PluginFault.class)
                .hasMessageContaining(
                        "its training augmentation returned FLOAT [1, 2] for a FLOAT batch" + " of shape [2, 2]");
    }

    @Test
    void theExitMessageNamesClassAndJar() {
        assertThat(PluginCalls.exitMessage(
                        new PluginCalls.Activity("example.Quitter", "plugins/quit.jar", "being loaded")))
                .isEqualTo(
                        "error: plugin class example.Quitter from plugins/quit.jar called System.exit while being loaded;"
                                + " a plugin must not end the process: remove it from the plugins directory or fix it");
        // Only a thread inside Runtime.exit counts: not this one, not Ctrl-C's handler.
        assertThat(PluginCalls.calledExit(Thread.currentThread())).isFalse();
    }
}
