package aios.manager.memory;

import aios.kernel.api.storage.NoteStore;
import java.util.Map;

/** What a note costs against quotas and limits: the UTF-8 bytes of its content and of its metadata's keys and values. */
final class NoteSize {

    private NoteSize() {
    }

    static long of(NoteStore.Note note) {
        return of(note.content(), note.metadata());
    }

    static long of(String content, Map<String, String> metadata) {
        long n = utf8(content);
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            n += utf8(e.getKey()) + utf8(e.getValue());
        }
        return n;
    }

    /** Counted without encoding: this runs on every add and update. */
    static long utf8(String s) {
        long n = 0;
        for (int i = 0, len = s.length(); i < len; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
