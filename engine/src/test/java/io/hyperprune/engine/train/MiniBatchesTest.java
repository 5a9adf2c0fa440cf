package io.hyperprune.engine.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyperprune.api.DataSplit;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class MiniBatchesTest {

    @Test
    void gathersRowsAndOneHotLabelsIntoGivenArraysAlsoFromAViewWithAnOffset() {
        INDArray all = Nd4j.arange(30 * 2 * 3).castTo(DataType.FLOAT).reshape(30, 2, 3);
        INDArray labels = Nd4j.createFromArray(new int[30]);
        for (int i = 0; i < 30; i++) {
            labels.putScalar(i, i % 4);
        }
        // Rows 5..24 of the stored array: a view whose elements start at offset 30.
        DataSplit split =
                new DataSplit(all.get(NDArrayIndex.interval(5, 25)), labels.get(NDArrayIndex.interval(5, 25)));
        MiniBatches batches = new MiniBatches(split, 4, 8, Optional.empty());
        int[] rows = {19, 0, 7, 7};
        INDArray features = Nd4j.create(DataType.FLOAT, 4, 2, 3);
        INDArray oneHot = Nd4j.create(DataType.FLOAT, 4, 4);
        batches.gatherInto(rows, features, oneHot);
        for (int i = 0; i < rows.length; i++) {
            assertThat(features.get(NDArrayIndex.point(i))).isEqualTo(all.get(NDArrayIndex.point(5 + rows[i])));
            int label = (5 + rows[i]) % 4;
            assertThat(oneHot.getFloat(i, label)).isEqualTo(1f);
            assertThat(oneHot.get(NDArrayIndex.point(i)).sumNumber().floatValue())
                    .isEqualTo(1f);
        }
    }
}
