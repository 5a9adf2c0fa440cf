package io.hyperprune.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.DataRequest;
import io.hyperprune.api.Dataset;
import io.hyperprune.plugins.datasets.SyntheticProvider;
import io.hyperprune.runtime.data.ValidationSplit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code hyperprune select} as a user runs it on an experiment: the choice meets the constraint, is the
 * best of the per-run choices, and the exported file, run by a JVM with plain ND4J only, reproduces the
 * printed validation and test accuracy.
 */
class SelectIT {

    private static final Map<String, String> SYNTHETIC =
            Map.of("train-size", "1500", "test-size", "400", "features", "64", "separation", "1");

    @TempDir
    static Path dir;

    private static Path experiment;

    @BeforeAll
    static void trainASmallGrid() {
        experiment = dir.resolve("grid");
        CliRun.run(
                        "experiment",
                        "--dataset",
                        "synthetic",
                        "-O",
                        "synthetic.train-size=1500",
                        "-O",
                        "synthetic.test-size=400",
                        "-O",
                        "synthetic.features=64",
                        "-O",
                        "synthetic.separation=1",
                        "--model",
                        "64-32-10",
                        "--evidences",
                        "variational",
                        "--hypernetworks",
                        "constant,linear",
                        "--lambdas",
                        "0.1,1",
                        "--epochs-plain",
                        "3",
                        "--epochs-hypernetwork",
                        "3",
                        "--levels",
                        "0,50",
                        "--no-report",
                        "--out",
                        experiment.toString())
                .expectExit(0);
    }

    @Test
    void theChoiceMeetsTheBudgetAndTheExportedFileReproducesItsAccuracyWithPlainNd4j() throws Exception {
        Path model = dir.resolve("chosen.fb");
        JsonNode result = new ObjectMapper()
                .readTree(CliRun.run(
                                "select",
                                experiment.toString(),
                                "--max-parameters",
                                "800",
                                "--export",
                                model.toString(),
                                "--json")
                        .expectExit(0)
                        .out());
        JsonNode selected = result.get("selected");
        assertThat(selected.get("parameters").asLong()).isLessThanOrEqualTo(800);
        assertThat(result.get("perRun")).hasSize(2);
        for (JsonNode run : result.get("perRun")) {
            assertThat(run.get("parameters").asLong()).isLessThanOrEqualTo(800);
            assertThat(selected.get("validationAccuracy").asDouble())
                    .isGreaterThanOrEqualTo(run.get("validationAccuracy").asDouble());
        }
        assertThat(selected.get("lambda").asDouble()).isBetween(0.001, 100.0);
        assertThat(selected.get("validationAccuracy").asDouble()).isGreaterThan(0.3);

        // The same samples the runs held out, rebuilt here as a user's script would, saved for the plain JVM.
        ComponentOptions options = new ComponentOptions("synthetic", SYNTHETIC);
        Dataset data = new SyntheticProvider()
                .load(new DataRequest(List.of(), dir.resolve("cache"), true, List.of(), 0, options));
        ValidationSplit split = ValidationSplit.carve(data, ValidationSplit.size(ValidationSplit.AUTO, 1500));
        Nd4j.writeAsNumpy(split.validation().features(), dir.resolve("vx.npy").toFile());
        Nd4j.writeAsNumpy(split.validation().labels(), dir.resolve("vy.npy").toFile());
        Nd4j.writeAsNumpy(data.test().features(), dir.resolve("tx.npy").toFile());
        Nd4j.writeAsNumpy(data.test().labels(), dir.resolve("ty.npy").toFile());

        String output = plainNd4j(model);
        assertThat(output)
                .contains(String.format(
                        java.util.Locale.ROOT,
                        "validation %.6f test %.6f",
                        selected.get("validationAccuracy").asDouble(),
                        selected.get("testAccuracy").asDouble()));
        assertThat(output).contains("non-zero " + selected.get("parameters").asLong());
    }

    @Test
    void theSmallestModelReachingAnAccuracyIsChosenAndTheTableNamesIt() {
        CliRun.Result result = CliRun.run("select", experiment.toString(), "--min-accuracy", "0.3")
                .expectExit(0);
        assertThat(result.out())
                .contains("selected (validation accuracy at least 0.3000, chosen on validation accuracy)")
                .contains("best per run");
        CliRun.Result impossible = CliRun.run("select", experiment.toString(), "--max-parameters", "3")
                .expectExit(2);
        assertThat(impossible.err()).contains("no model of").contains("meets at most 3 parameters");
    }

    @Test
    void aRunWithoutValidationSplitIsRefusedAndBothGoalsAtOnceAreAnError() {
        Path run = dir.resolve("no-validation");
        CliRun.run(
                        "train",
                        "--dataset",
                        "synthetic",
                        "-O",
                        "synthetic.train-size=300",
                        "-O",
                        "synthetic.test-size=100",
                        "--epochs",
                        "1",
                        "--validation",
                        "0",
                        "--out",
                        run.toString())
                .expectExit(0);
        assertThat(CliRun.run("select", run.toString(), "--max-parameters", "1000")
                        .expectExit(2)
                        .err())
                .contains(run + " holds no validation split")
                .contains("--validation N");
        assertThat(CliRun.run("select", experiment.toString(), "--max-parameters", "10", "--min-accuracy", "0.5")
                        .expectExit(2)
                        .err())
                .contains("mutually exclusive");
    }

    /** Loads the exported model in a JVM with ND4J only and prints its accuracy on the saved arrays. */
    private static String plainNd4j(Path model) throws Exception {
        Path program = dir.resolve("Accuracy.java");
        Files.writeString(program, """
                import java.io.File;
                import java.util.Map;
                import org.nd4j.autodiff.samediff.SameDiff;
                import org.nd4j.linalg.api.buffer.DataType;
                import org.nd4j.linalg.api.ndarray.INDArray;
                import org.nd4j.linalg.factory.Nd4j;
                public class Accuracy {
                    static double accuracy(SameDiff model, File x, File y) {
                        INDArray p = model.outputSingle(Map.of("input", Nd4j.createFromNpyFile(x)), "probabilities");
                        int[] predicted = Nd4j.argMax(p, 1).castTo(DataType.INT).toIntVector();
                        int[] labels = Nd4j.createFromNpyFile(y).castTo(DataType.INT).toIntVector();
                        int correct = 0;
                        for (int i = 0; i < labels.length; i++) correct += predicted[i] == labels[i] ? 1 : 0;
                        return correct / (double) labels.length;
                    }
                    public static void main(String[] args) throws Exception {
                        try {
                            Class.forName("io.hyperprune.api.Evidence");
                            throw new AssertionError("hyperprune is on the class path");
                        } catch (ClassNotFoundException expected) {
                        }
                        SameDiff model = SameDiff.load(new File(args[0]), false);
                        File d = new File(args[1]);
                        long nonZero = 0;
                        for (var v : model.variables()) {
                            if (v.getArr() != null && v.getVariableType() == org.nd4j.autodiff.samediff.VariableType.CONSTANT) {
                                nonZero += v.getArr().neq(0).castTo(DataType.INT).sumNumber().longValue();
                            }
                        }
                        System.out.printf(java.util.Locale.ROOT, "validation %.6f test %.6f non-zero %d%n",
                                accuracy(model, new File(d, "vx.npy"), new File(d, "vy.npy")),
                                accuracy(model, new File(d, "tx.npy"), new File(d, "ty.npy")),
                                nonZero);
                    }
                }
                """);
        return CliRun.plainNd4j(program, model.toString(), dir.toString());
    }
}
