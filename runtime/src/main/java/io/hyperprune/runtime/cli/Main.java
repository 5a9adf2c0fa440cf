package io.hyperprune.runtime.cli;

/** Entry point of the {@code hyperprune} command. */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        System.out.println("hyperprune");
    }
}
