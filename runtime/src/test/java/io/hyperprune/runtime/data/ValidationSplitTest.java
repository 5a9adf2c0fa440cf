package io.hyperprune.runtime.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyperprune.api.Dataset;
import io.hyperprune.api.InputException;
import io.hyperprune.engine.train.TinyData;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class ValidationSplitTest {

    private static final Dataset DATA = TinyData.clusters(6, 3, 200, 50, 11);

    @Test
    void defaultHoldsOutATenthAtMostFiveThousand() {
        assertThat(ValidationSplit.size(ValidationSplit.AUTO, 60_000)).isEqualTo(5_000);
        assertThat(ValidationSplit.size(ValidationSplit.AUTO, 600)).isEqualTo(60);
        assertThat(ValidationSplit.size(0, 600)).isZero();
        assertThat(ValidationSplit.size(123, 600)).isEqualTo(123);
    }

    @Test
    void refusesSizesThatLeaveNoTrainingOrAreNegative() {
        assertThatThrownBy(() -> ValidationSplit.size(600, 600))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("--validation 600 leaves no training samples")
                .hasMessageContaining("--validation 60");
        assertThatThrownBy(() -> ValidationSplit.size(-2, 600))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("--validation must be 0");
    }

    @Test
    void partsAreDisjointCoverTheTrainingSplitAndKeepItsOrder() {
        ValidationSplit split = ValidationSplit.carve(DATA, 40);
        assertThat(split.validation().size()).isEqualTo(40);
        assertThat(split.training().train().size()).isEqualTo(160);
        assertThat(split.training().test()).isSameAs(DATA.test());

        List<String> original = rows(DATA.train().features());
        List<String> training = rows(split.training().train().features());
        List<String> validation = rows(split.validation().features());
        Set<String> union = new HashSet<>(training);
        union.addAll(validation);
        assertThat(union).containsExactlyInAnyOrderElementsOf(new HashSet<>(original));
        assertThat(new HashSet<>(training)).doesNotContainAnyElementsOf(validation);
        assertThat(original).containsSubsequence(training);
        assertThat(original).containsSubsequence(validation);
        // labels travel with their samples
        int first = original.indexOf(validation.get(0));
        assertThat(split.validation().labels().getInt(0))
                .isEqualTo(DATA.train().labels().getInt(first));
    }

    @Test
    void theSameSamplesAreHeldOutEveryTime() {
        assertThat(rows(ValidationSplit.carve(DATA, 40).validation().features()))
                .isEqualTo(rows(ValidationSplit.carve(DATA, 40).validation().features()));
    }

    @Test
    void zeroHoldsOutNothing() {
        ValidationSplit split = ValidationSplit.carve(DATA, 0);
        assertThat(split.present()).isFalse();
        assertThat(split.training()).isSameAs(DATA);
        assertThat(split.validation().size()).isZero();
    }

    private static List<String> rows(INDArray features) {
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < features.size(0); i++) {
            rows.add(java.util.Arrays.toString(features.getRow(i).toFloatVector()));
        }
        return rows;
    }
}
