package io.hyperprune.engine.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyperprune.api.InputException;
import io.hyperprune.engine.graph.ModelSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NativeThreadsTest {

    @Test
    void anMlpLeavesOneThreadOfTheBudgetToTheBatchThread() {
        assertThat(NativeThreads.choose(ModelSpec.Kind.MLP, Map.of("OMP_NUM_THREADS", "2"), 8)
                        .threads())
                .isEqualTo(1);
        assertThat(NativeThreads.choose(ModelSpec.Kind.MLP, Map.of("OMP_NUM_THREADS", "4"), 8)
                        .threads())
                .isEqualTo(3);
        assertThat(NativeThreads.choose(ModelSpec.Kind.MLP, Map.of("OMP_NUM_THREADS", "1"), 8)
                        .threads())
                .isEqualTo(1);
        // No OMP_NUM_THREADS: the budget is the processor count.
        NativeThreads.Choice unset = NativeThreads.choose(ModelSpec.Kind.MLP, Map.of(), 6);
        assertThat(unset.threads()).isEqualTo(5);
        assertThat(unset.reason()).contains("6 processors", "batch thread");
    }

    @Test
    void anMlpOnTwoThreadsSharesItsLargeProductsWithAHelperOnTheBatchThreadsCore() {
        NativeThreads.Choice two = NativeThreads.choose(ModelSpec.Kind.MLP, Map.of("OMP_NUM_THREADS", "2"), 8);
        assertThat(two.splitsProducts()).isTrue();
        assertThat(two.reason()).contains("helper");
        assertThat(NativeThreads.choose(ModelSpec.Kind.MLP, Map.of(), 2).splitsProducts())
                .isTrue();
        // One thread: no second core; more: the native ops' own BLAS threads split the products.
        assertThat(NativeThreads.choose(ModelSpec.Kind.MLP, Map.of("OMP_NUM_THREADS", "1"), 8)
                        .splitsProducts())
                .isFalse();
        assertThat(NativeThreads.choose(ModelSpec.Kind.MLP, Map.of("OMP_NUM_THREADS", "4"), 8)
                        .splitsProducts())
                .isFalse();
        assertThat(NativeThreads.choose(ModelSpec.Kind.CONV, Map.of("OMP_NUM_THREADS", "2"), 8)
                        .splitsProducts())
                .isFalse();
        assertThat(NativeThreads.choose(ModelSpec.Kind.MLP, Map.of(NativeThreads.OVERRIDE, "1"), 2)
                        .splitsProducts())
                .isFalse();
    }

    @Test
    void aConvNetGetsTheWholeBudget() {
        assertThat(NativeThreads.choose(ModelSpec.Kind.CONV, Map.of("OMP_NUM_THREADS", "2"), 8)
                        .threads())
                .isEqualTo(2);
        assertThat(NativeThreads.choose(ModelSpec.Kind.CONV, Map.of(), 6).threads())
                .isEqualTo(6);
    }

    @Test
    void theOverrideWinsAndABadOneNamesTheVariable() {
        NativeThreads.Choice forced = NativeThreads.choose(
                ModelSpec.Kind.MLP, Map.of("OMP_NUM_THREADS", "4", NativeThreads.OVERRIDE, " 4 "), 8);
        assertThat(forced.threads()).isEqualTo(4);
        assertThat(forced.reason()).isEqualTo("HYPERPRUNE_NATIVE_THREADS=4");
        for (String bad : new String[] {"0", "-1", "two", "1.5"}) {
            assertThatThrownBy(() -> NativeThreads.choose(ModelSpec.Kind.MLP, Map.of(NativeThreads.OVERRIDE, bad), 2))
                    .isInstanceOf(InputException.class)
                    .hasMessageContaining("HYPERPRUNE_NATIVE_THREADS must be a positive whole number")
                    .hasMessageContaining("'" + bad + "'");
        }
    }

    @Test
    void openMpListsAndUnreadableValuesFallBackAsOpenMpReadsThem() {
        // "4,2" is OpenMP's nested form: the first level is the ops' threads.
        assertThat(NativeThreads.choose(ModelSpec.Kind.CONV, Map.of("OMP_NUM_THREADS", "4,2"), 8)
                        .threads())
                .isEqualTo(4);
        // OpenMP ignores a value it cannot read; so does the budget (the processor count).
        assertThat(NativeThreads.choose(ModelSpec.Kind.CONV, Map.of("OMP_NUM_THREADS", "lots"), 3)
                        .threads())
                .isEqualTo(3);
    }

    @Test
    void settingTheCountChangesTheThreadsLibnd4jUses() {
        int before = NativeThreads.current();
        try {
            NativeThreads.set(2);
            assertThat(NativeThreads.current()).isEqualTo(2);
            NativeThreads.set(1);
            assertThat(NativeThreads.current()).isEqualTo(1);
        } finally {
            NativeThreads.set(before);
        }
    }
}
