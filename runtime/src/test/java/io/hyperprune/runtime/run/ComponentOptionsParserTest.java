package io.hyperprune.runtime.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyperprune.api.Component;
import io.hyperprune.api.InputException;
import io.hyperprune.runtime.wiring.Suggestions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ComponentOptionsParserTest {

    private static final Component PIECEWISE = new Component() {
        public String id() {
            return "piecewise";
        }

        public String description() {
            return "test";
        }

        public Map<String, String> options() {
            return Map.of("pivots", "count", "positions", "list");
        }
    };

    @Test
    void optionsAreCheckedAgainstTheComponentWithSuggestions() {
        ComponentOptionsParser parser = new ComponentOptionsParser(Map.of("piecewise", Map.of("pivots", "4")));
        assertThat(parser.optionsFor(PIECEWISE).getInt("pivots", 6)).isEqualTo(4);
        ComponentOptionsParser typo = new ComponentOptionsParser(Map.of("piecewise", Map.of("pivot", "4")));
        assertThatThrownBy(() -> typo.optionsFor(PIECEWISE))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("did you mean 'pivots'");
        ComponentOptionsParser unknownComponent =
                new ComponentOptionsParser(Map.of("piecewize", Map.of("pivots", "4")));
        assertThatThrownBy(() -> unknownComponent.checkAllUsed(List.of(PIECEWISE)))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("piecewize");
    }

    @Test
    void suggestionsNeedASmallEditDistance() {
        assertThat(Suggestions.didYouMean("magnitud", List.of("magnitude", "random")))
                .contains("magnitude");
        assertThat(Suggestions.didYouMean("xyzzy", List.of("magnitude", "random")))
                .isEmpty();
    }
}
