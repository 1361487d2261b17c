package dev.edgewise.app.gui.prefs;

import java.util.HashMap;
import java.util.Map;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;

/** Small string settings (window geometry, theme, recent files), stored per user. */
public interface Settings {
    String get(String key, String defaultValue);

    void put(String key, String value);

    void remove(String key);

    default double getDouble(String key, double defaultValue) {
        try {
            return Double.parseDouble(get(key, Double.toString(defaultValue)));
        } catch (NumberFormatException e) {
            return defaultValue;
        }
    }

    default void putDouble(String key, double value) {
        put(key, Double.toString(value));
    }

    /** Writes pending changes; a failure only loses preferences, so it is reported, not thrown. */
    default void flush() {
    }

    /** The user's java.util.prefs node for the GUI (~/.java/.userPrefs on Linux). */
    static Settings userPreferences() {
        Preferences node = Preferences.userRoot().node("dev/edgewise/gui");
        return new Settings() {
            @Override
            public String get(String key, String defaultValue) {
                return node.get(key, defaultValue);
            }

            @Override
            public void put(String key, String value) {
                node.put(key, value);
            }

            @Override
            public void remove(String key) {
                node.remove(key);
            }

            @Override
            public void flush() {
                try {
                    node.flush();
                } catch (BackingStoreException e) {
                    System.err.println("edgewise: could not save preferences to " + node.absolutePath() + ": "
                        + e.getMessage());
                }
            }
        };
    }

    /** Settings that live only in memory: tests, and the screenshot tool. */
    static Settings inMemory() {
        Map<String, String> m = new HashMap<>();
        return new Settings() {
            @Override
            public String get(String key, String defaultValue) {
                return m.getOrDefault(key, defaultValue);
            }

            @Override
            public void put(String key, String value) {
                m.put(key, value);
            }

            @Override
            public void remove(String key) {
                m.remove(key);
            }
        };
    }
}
