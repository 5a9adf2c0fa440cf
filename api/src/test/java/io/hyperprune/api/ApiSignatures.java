package io.hyperprune.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The binary-visible surface of the API as sorted text lines (erased types): every public type, its
 * supertypes, its record components, and its public and protected constructors, methods (static,
 * abstract, default or final) and fields. Constant values are not part of it. {@link #verdict}
 * classifies the difference between a recorded baseline and the current surface by the versioning
 * policy of docs/writing-plugins.md.
 */
final class ApiSignatures {

    private ApiSignatures() {}

    /** The surface of the given classes (non-public ones are skipped). */
    static Set<String> of(List<Class<?>> classes) {
        Set<String> lines = new TreeSet<>();
        for (Class<?> type : classes) {
            if (!Modifier.isPublic(type.getModifiers()) || type.isSynthetic() || type.isAnonymousClass()) {
                continue;
            }
            String name = type.getName();
            String kind = type.isAnnotation()
                    ? "annotation"
                    : type.isInterface() ? "interface" : type.isRecord() ? "record" : type.isEnum() ? "enum" : "class";
            boolean isInterface = type.isInterface();
            String modifiers = (!isInterface && Modifier.isAbstract(type.getModifiers()) ? " abstract" : "")
                    + (Modifier.isFinal(type.getModifiers()) && kind.equals("class") ? " final" : "");
            lines.add("type " + name + " " + kind + modifiers);
            if (type.getSuperclass() != null
                    && type.getSuperclass() != Object.class
                    && !type.isEnum()
                    && !type.isRecord()) {
                lines.add("extends " + name + " " + type.getSuperclass().getName());
            }
            for (Class<?> implemented : type.getInterfaces()) {
                lines.add("implements " + name + " " + implemented.getName());
            }
            if (type.isRecord()) {
                for (RecordComponent component : type.getRecordComponents()) {
                    lines.add("component " + name + "." + component.getName() + " "
                            + component.getType().getTypeName());
                }
            }
            if (!isInterface) {
                for (Constructor<?> constructor : type.getDeclaredConstructors()) {
                    if (visible(constructor.getModifiers()) && !constructor.isSynthetic()) {
                        lines.add("constructor " + name + "(" + parameters(constructor.getParameterTypes()) + ")");
                    }
                }
            }
            for (Method method : type.getDeclaredMethods()) {
                if (!visible(method.getModifiers()) || method.isSynthetic() || method.isBridge()) {
                    continue;
                }
                int m = method.getModifiers();
                String how = Modifier.isStatic(m)
                        ? " static"
                        : Modifier.isAbstract(m)
                                ? " abstract"
                                : isInterface ? " default" : Modifier.isFinal(m) ? " final" : "";
                lines.add("method " + name + "." + method.getName() + "(" + parameters(method.getParameterTypes())
                        + ") " + method.getReturnType().getTypeName() + how);
            }
            for (Field field : type.getDeclaredFields()) {
                int m = field.getModifiers();
                if (visible(m) && !field.isSynthetic()) {
                    lines.add("field " + name + "." + field.getName() + " "
                            + field.getType().getTypeName() + (Modifier.isStatic(m) ? " static" : "")
                            + (Modifier.isFinal(m) ? " final" : ""));
                }
            }
        }
        return lines;
    }

    private static boolean visible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static String parameters(Class<?>[] types) {
        return Arrays.stream(types).map(Class::getTypeName).collect(Collectors.joining(","));
    }

    /** Every class of one package in a class-file directory, nested ones included. */
    static List<Class<?>> classesIn(Path classesRoot, String packageName, ClassLoader loader) {
        Path dir = classesRoot.resolve(packageName.replace('.', '/'));
        try (Stream<Path> files = Files.list(dir)) {
            List<Class<?>> result = new ArrayList<>();
            for (Path file :
                    files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
                String simple = file.getFileName().toString().replaceFirst("\\.class$", "");
                if (simple.equals("package-info") || simple.equals("module-info")) {
                    continue;
                }
                result.add(Class.forName(packageName + "." + simple, false, loader));
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What the policy says about a change. */
    record Verdict(boolean accepted, boolean mayRecord, String message) {}

    /** How to record the surface once the version is bumped. */
    static final String UPDATE = "mvn -pl api test -Dhyperprune.api.update=true";

    /**
     * Compares the current surface with the baseline recorded at version {@code baselineMajor.baselineMinor}.
     * Removing or changing anything, or adding an abstract method to a type that already existed (its
     * implementations would not have it), is incompatible and needs a major bump. Pure additions (new
     * types, default, static or concrete methods, fields, constructors) and an abstract interface method
     * becoming a default one need a minor bump. {@code accepted}: nothing changed; {@code mayRecord}: the
     * current surface may be written as the new baseline (the version was bumped as the change requires).
     */
    static Verdict verdict(
            Set<String> baseline, int baselineMajor, int baselineMinor, Set<String> current, int major, int minor) {
        Set<String> removed = new TreeSet<>(baseline);
        removed.removeAll(current);
        Set<String> added = new TreeSet<>(current);
        added.removeAll(baseline);
        if (removed.isEmpty() && added.isEmpty()) {
            return new Verdict(true, major != baselineMajor || minor != baselineMinor, "API unchanged");
        }
        // An abstract interface method that became a default one: existing implementations still have it.
        Set<String> nowDefault = new TreeSet<>();
        for (String line : List.copyOf(removed)) {
            if (line.startsWith("method ") && line.endsWith(" abstract")) {
                String asDefault = line.substring(0, line.length() - " abstract".length()) + " default";
                if (added.remove(asDefault)) {
                    removed.remove(line);
                    nowDefault.add(asDefault);
                }
            }
        }
        Set<String> existingTypes = baseline.stream()
                .filter(line -> line.startsWith("type "))
                .map(line -> line.split(" ")[1])
                .collect(Collectors.toSet());
        Set<String> abstractInExistingTypes = added.stream()
                .filter(line ->
                        line.startsWith("method ") && line.endsWith(" abstract") && existingTypes.contains(owner(line)))
                .collect(Collectors.toCollection(TreeSet::new));
        String was = baselineMajor + "." + baselineMinor;
        if (!removed.isEmpty() || !abstractInExistingTypes.isEmpty()) {
            StringBuilder what =
                    new StringBuilder("incompatible API change against the surface recorded for " + was + ":");
            list(
                    what,
                    "removed or changed (plugins built against " + was + " that use it would fail to link)",
                    removed);
            list(
                    what,
                    "abstract method added to an existing type (plugins built against " + was + " do not implement it)",
                    abstractInExistingTypes);
            if (major == baselineMajor) {
                return new Verdict(
                        false,
                        false,
                        what + "\nFix: restore the old signatures (add a default method instead of an"
                                + " abstract one, keep the old method next to a new one), or bump the major version: ApiVersion.MAJOR = "
                                + (baselineMajor + 1) + ", MINOR = 0 and <hyperprune.api.version>" + (baselineMajor + 1)
                                + ".0 in the"
                                + " root pom.xml; then record the new surface: " + UPDATE);
            }
            return new Verdict(
                    false,
                    true,
                    what + "\nThe major version is bumped to " + major + "." + minor + "; record the new surface: "
                            + UPDATE);
        }
        StringBuilder what = new StringBuilder("the API grew against the surface recorded for " + was + ":");
        list(what, "added", added);
        list(what, "abstract method made default", nowDefault);
        if (major == baselineMajor && minor == baselineMinor) {
            return new Verdict(
                    false,
                    false,
                    what + "\nA plugin using an addition would load on a " + was + " host and fail there."
                            + " Fix: bump the minor version: ApiVersion.MINOR = " + (baselineMinor + 1)
                            + " and <hyperprune.api.version>"
                            + baselineMajor + "." + (baselineMinor + 1)
                            + " in the root pom.xml; then record the new surface: " + UPDATE);
        }
        return new Verdict(
                false,
                true,
                what + "\nThe version is bumped to " + major + "." + minor + "; record the new surface: " + UPDATE);
    }

    /** The type a member line belongs to: {@code method a.b.C$D.name(..) ..} gives {@code a.b.C$D}. */
    static String owner(String line) {
        String member = line.split(" ")[1];
        int paren = member.indexOf('(');
        String qualified = paren < 0 ? member : member.substring(0, paren);
        return qualified.substring(0, qualified.lastIndexOf('.'));
    }

    private static void list(StringBuilder message, String heading, Set<String> lines) {
        if (!lines.isEmpty()) {
            message.append("\n  ").append(heading).append(':');
            lines.forEach(line -> message.append("\n    ").append(line));
        }
    }
}
