package io.hyperprune.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
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
 * supertypes, and its public and protected constructors, methods and fields. Constant values are not
 * part of it. {@link #verdict} classifies the difference between a recorded baseline and the current
 * surface by the versioning policy of docs/writing-plugins.md.
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
            String kind = type.isAnnotation() ? "annotation" : type.isInterface() ? "interface" : type.isRecord() ? "record"
                    : type.isEnum() ? "enum" : "class";
            boolean isInterface = type.isInterface();
            String modifiers = (!isInterface && Modifier.isAbstract(type.getModifiers()) ? " abstract" : "")
                    + (Modifier.isFinal(type.getModifiers()) && kind.equals("class") ? " final" : "");
            lines.add("type " + name + " " + kind + modifiers);
            if (type.getSuperclass() != null && type.getSuperclass() != Object.class && !type.isEnum() && !type.isRecord()) {
                lines.add("extends " + name + " " + type.getSuperclass().getName());
            }
            for (Class<?> implemented : type.getInterfaces()) {
                lines.add("implements " + name + " " + implemented.getName());
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
                String how = Modifier.isStatic(m) ? " static"
                        : Modifier.isAbstract(m) ? " abstract"
                        : isInterface ? " default" : Modifier.isFinal(m) ? " final" : "";
                lines.add("method " + name + "." + method.getName() + "(" + parameters(method.getParameterTypes()) + ") "
                        + method.getReturnType().getTypeName() + how);
            }
            for (Field field : type.getDeclaredFields()) {
                int m = field.getModifiers();
                if (visible(m) && !field.isSynthetic()) {
                    lines.add("field " + name + "." + field.getName() + " " + field.getType().getTypeName()
                            + (Modifier.isStatic(m) ? " static" : "") + (Modifier.isFinal(m) ? " final" : ""));
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
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
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

    /**
     * Compares the current surface with the baseline recorded at version {@code baselineMajor.baselineMinor}.
     * Removing or changing anything, or adding an abstract method (every implementation would break), is
     * incompatible and needs a major bump; pure additions need a minor bump. {@code mayRecord}: the
     * current surface may be written as the new baseline (the version was bumped as the change requires).
     */
    static Verdict verdict(Set<String> baseline, int baselineMajor, int baselineMinor, Set<String> current, int major, int minor) {
        Set<String> removed = new TreeSet<>(baseline);
        removed.removeAll(current);
        Set<String> added = new TreeSet<>(current);
        added.removeAll(baseline);
        Set<String> addedAbstract = added.stream().filter(line -> line.startsWith("method ") && line.endsWith(" abstract"))
                .collect(Collectors.toCollection(TreeSet::new));
        String update = " Then record the new surface: mvn -pl api test -Dhyperprune.api.update=true";
        if (removed.isEmpty() && added.isEmpty()) {
            return new Verdict(true, major != baselineMajor || minor != baselineMinor, "API unchanged");
        }
        if (!removed.isEmpty() || !addedAbstract.isEmpty()) {
            String what = "incompatible API change: removed or changed " + removed + (addedAbstract.isEmpty() ? ""
                    : ", abstract methods added (existing plugins do not implement them) " + addedAbstract);
            if (major == baselineMajor) {
                return new Verdict(false, false, what + ". Plugins built against " + baselineMajor + "." + baselineMinor
                        + " would break: restore the old signatures (add a default method instead of an abstract one), or bump"
                        + " ApiVersion.MAJOR and hyperprune.api.version to " + (baselineMajor + 1) + ".0." + update);
            }
            return new Verdict(false, true, what + "; the major version is bumped to " + major + "." + minor + "." + update);
        }
        String what = "API grew: added " + added;
        if (major == baselineMajor && minor == baselineMinor) {
            return new Verdict(false, false, what + " without a minor version bump: plugins using it would load on older hosts."
                    + " Bump ApiVersion.MINOR and hyperprune.api.version to " + baselineMajor + "." + (baselineMinor + 1) + "." + update);
        }
        return new Verdict(false, true, what + "; the version is bumped to " + major + "." + minor + "." + update);
    }
}
