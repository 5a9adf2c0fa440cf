package io.hyperprune.runtime.boundary;

import io.hyperprune.api.Component;
import io.hyperprune.api.DatasetProvider;
import io.hyperprune.api.Evidence;
import io.hyperprune.api.Hypernetwork;
import io.hyperprune.api.InputException;
import io.hyperprune.api.PruningCriterion;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/** The SPIs a plugin can implement, the one table of them: type, the name users read, the names the CLI takes. */
public enum Spi {
    EVIDENCE(Evidence.class, "evidence", "evidence"),
    HYPERNETWORK(Hypernetwork.class, "hypernetwork", "hypernetwork"),
    PRUNING_CRITERION(PruningCriterion.class, "pruning criterion", "criterion", "pruning-criterion"),
    DATA_SET(DatasetProvider.class, "data set", "dataset", "data");

    private final Class<? extends Component> type;
    private final String kind;
    private final List<String> names;

    Spi(Class<? extends Component> type, String kind, String... names) {
        this.type = type;
        this.kind = kind;
        this.names = List.of(names);
    }

    public Class<? extends Component> type() {
        return type;
    }

    /** As users read it in messages: "evidence", "hypernetwork", "pruning criterion", "data set". */
    public String kind() {
        return kind;
    }

    /** Every SPI's type, in this order. */
    public static List<Class<? extends Component>> types() {
        return Stream.of(values()).<Class<? extends Component>>map(Spi::type).toList();
    }

    /** The SPI of this type. */
    public static Spi of(Class<?> type) {
        return Stream.of(values())
                .filter(spi -> spi.type == type)
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("not an SPI: " + type.getName()));
    }

    /** The SPI a command-line name (e.g. {@code criterion} in {@code --check criterion:id}) means. */
    public static Spi named(String name) {
        return Stream.of(values())
                .filter(spi -> spi.names.contains(name))
                .findFirst()
                .orElseThrow(() -> new InputException("unknown SPI '" + name + "'; use "
                        + String.join(
                                ", ",
                                Arrays.stream(values())
                                        .map(spi -> spi.names.get(0))
                                        .toList())));
    }
}
