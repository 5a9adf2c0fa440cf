package io.hyperprune.api;

/**
 * The version of this plugin API. A plugin jar may declare the version it needs in its manifest as
 * {@value #MANIFEST_ATTRIBUTE}{@code : <major>.<minor>}; the host loads it when the majors are equal
 * and the host's minor is at least the plugin's (minors only add methods with defaults).
 */
public final class ApiVersion {

    public static final String MANIFEST_ATTRIBUTE = "Hyperprune-Api-Version";

    public static final int MAJOR = 1;
    public static final int MINOR = 0;

    private ApiVersion() {}

    public static String current() {
        return MAJOR + "." + MINOR;
    }

    /** True if a plugin built against {@code required} (form {@code major.minor}) runs on this API. */
    public static boolean supports(String required) {
        String[] parts = required.trim().split("\\.");
        if (parts.length < 1 || parts.length > 2) {
            throw new IllegalArgumentException("not a version of the form <major>.<minor>: '" + required + "'");
        }
        try {
            int major = Integer.parseInt(parts[0]);
            int minor = parts.length == 2 ? Integer.parseInt(parts[1]) : 0;
            return major == MAJOR && minor <= MINOR;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a version of the form <major>.<minor>: '" + required + "'", e);
        }
    }
}
