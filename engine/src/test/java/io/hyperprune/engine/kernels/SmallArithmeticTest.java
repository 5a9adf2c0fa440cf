package io.hyperprune.engine.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarAdd;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarDivision;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMultiplication;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarSubtraction;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.DivOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.RDivOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.SubOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.bp.AddBpOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.bp.MulBpOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.bp.SubBpOp;
import org.nd4j.linalg.factory.Nd4j;

class SmallArithmeticTest {

    private static final long[][] SHAPES = {{10}, {50, 10}, {SmallArithmetic.MAX_LENGTH}};

    @Test
    void pairwiseOpsEqualLibnd4jsBitForBitOnEqualShapesAndWithAScalarSide() {
        for (long[] shape : SHAPES) {
            INDArray x = values(shape, 1);
            INDArray y = values(shape, 2).putScalar(0, 1.5f); // no 0 / 0: NaN never equals NaN
            INDArray scalar = Nd4j.scalar(DataType.FLOAT, -0.37f);
            for (String name : new String[] {"add", "subtract", "multiply", "divide"}) {
                for (INDArray[] args : new INDArray[][] {{x, y}, {x, scalar}, {scalar, y}}) {
                    INDArray expected = Nd4j.create(DataType.FLOAT, shape);
                    Nd4j.exec(DynamicCustomOp.builder(name)
                            .addInputs(args)
                            .addOutputs(expected)
                            .build());
                    INDArray actual = Nd4j.create(DataType.FLOAT, shape);
                    run(pairwise(name), args, actual);
                    assertThat(actual).as("%s %s", name, shape.length).isEqualTo(expected);
                }
            }
        }
    }

    @Test
    void gradientsEqualLibnd4jsBitForBit() {
        for (long[] shape : SHAPES) {
            INDArray x = values(shape, 3);
            INDArray y = values(shape, 4);
            INDArray g = values(shape, 5);
            for (String name : new String[] {"add_bp", "subtract_bp", "multiply_bp"}) {
                INDArray dx = Nd4j.create(DataType.FLOAT, shape);
                INDArray dy = Nd4j.create(DataType.FLOAT, shape);
                Nd4j.exec(DynamicCustomOp.builder(name)
                        .addInputs(x, y, g)
                        .addOutputs(dx, dy)
                        .build());
                DifferentialFunction op =
                        name.startsWith("add") ? new AddBpOp() : name.startsWith("sub") ? new SubBpOp() : new MulBpOp();
                INDArray ax = Nd4j.create(DataType.FLOAT, shape);
                INDArray ay = Nd4j.create(DataType.FLOAT, shape);
                run(op, new INDArray[] {x, y, g}, ax, ay);
                assertThat(ax).as(name).isEqualTo(dx);
                assertThat(ay).as(name).isEqualTo(dy);
            }
        }
    }

    @Test
    void scalarOpsEqualLibnd4jsWithTheScalarAsAttributeOrAsInput() {
        INDArray x = values(new long[] {50, 10}, 6);
        for (int kind = 0; kind < 4; kind++) {
            INDArray expected = Nd4j.create(DataType.FLOAT, 50, 10);
            Nd4j.exec(scalarOp(kind, x, expected));
            INDArray fixed = Nd4j.create(DataType.FLOAT, 50, 10);
            run(scalarOp(kind, x, fixed), new INDArray[] {x}, fixed);
            assertThat(fixed).isEqualTo(expected);
            INDArray given = Nd4j.create(DataType.FLOAT, 50, 10);
            run(scalarOp(kind, x, given), new INDArray[] {x, Nd4j.scalar(DataType.FLOAT, 2.5f)}, given);
            assertThat(given).isEqualTo(expected);
        }
    }

    @Test
    void leavesLargeBroadcastOrOtherArraysToLibnd4j() {
        INDArray large = Nd4j.ones(DataType.FLOAT, SmallArithmetic.MAX_LENGTH + 1);
        assertThat(SmallArithmetic.of(new AddOp(), new INDArray[] {large, large}, new INDArray[] {large.dup()}))
                .isNull();
        INDArray row = Nd4j.ones(DataType.FLOAT, 10);
        INDArray matrix = Nd4j.ones(DataType.FLOAT, 5, 10);
        assertThat(SmallArithmetic.of(new AddOp(), new INDArray[] {matrix, row}, new INDArray[] {matrix.dup()}))
                .as("a row broadcast")
                .isNull();
        assertThat(SmallArithmetic.of(
                        new MulBpOp(), new INDArray[] {matrix, row, matrix}, new INDArray[] {matrix.dup(), row.dup()}))
                .as("a gradient that sums")
                .isNull();
        assertThat(SmallArithmetic.of(new RDivOp(), new INDArray[] {row, row}, new INDArray[] {row.dup()}))
                .as("another op")
                .isNull();
        INDArray doubles = Nd4j.ones(DataType.DOUBLE, 10);
        assertThat(SmallArithmetic.of(new AddOp(), new INDArray[] {doubles, doubles}, new INDArray[] {doubles.dup()}))
                .isNull();
    }

    /** Varied floats, including zero, negatives and ones that do not round-trip through sums. */
    private static INDArray values(long[] shape, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray a = Nd4j.randn(DataType.FLOAT, shape).muli(3);
        a.putScalar(0, 0f);
        return a;
    }

    private static DifferentialFunction pairwise(String name) {
        return switch (name) {
            case "add" -> new AddOp();
            case "subtract" -> new SubOp();
            case "multiply" -> new MulOp();
            default -> new DivOp();
        };
    }

    private static org.nd4j.linalg.api.ops.BaseScalarOp scalarOp(int kind, INDArray x, INDArray z) {
        return switch (kind) {
            case 0 -> new ScalarAdd(x, null, z, 2.5f);
            case 1 -> new ScalarSubtraction(x, null, z, 2.5f);
            case 2 -> new ScalarMultiplication(x, null, z, 2.5f);
            default -> new ScalarDivision(x, null, z, 2.5f);
        };
    }

    private static void run(DifferentialFunction op, INDArray[] args, INDArray... outputs) {
        SmallArithmetic kernel = SmallArithmetic.of(op, args, outputs);
        assertThat(kernel).as(op.opName()).isNotNull();
        kernel.run();
    }
}
