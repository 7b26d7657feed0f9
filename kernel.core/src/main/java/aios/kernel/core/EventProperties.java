package aios.kernel.core;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * An event's properties as a flat array of keys and values. Event Admin copies the map it is given into its own,
 * so a map that is only ever iterated once need not hash anything: filling this one costs array stores.
 * Keys must be distinct (the kernel's property keys are); look-ups are linear, which a dozen entries can afford.
 */
final class EventProperties extends AbstractMap<String, Object> {
    private final Object[] keysAndValues;
    private int size;

    EventProperties(int capacity) {
        keysAndValues = new Object[capacity * 2];
    }

    /** Adds a property; the key must not be present yet. */
    EventProperties with(String key, Object value) {
        keysAndValues[2 * size] = key;
        keysAndValues[2 * size + 1] = value;
        size++;
        return this;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, Object>> iterator() {
                return new Iterator<>() {
                    private int i;

                    @Override
                    public boolean hasNext() {
                        return i < size;
                    }

                    @Override
                    public Entry<String, Object> next() {
                        if (i >= size) {
                            throw new NoSuchElementException();
                        }
                        int at = 2 * i++;
                        return new SimpleImmutableEntry<>((String) keysAndValues[at], keysAndValues[at + 1]);
                    }
                };
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    @Override
    public int size() {
        return size;
    }
}
