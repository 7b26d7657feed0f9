package aios.llm.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The SentencePiece-style tokenizer of a GGUF model ({@code tokenizer.ggml.model = llama}), as llama.cpp runs it:
 * the text gets a leading space, spaces become "▁", then adjacent pieces merge, highest-scoring merge first
 * (leftmost on a tie), and what is not in the vocabulary falls back to byte tokens {@code <0xXX>}.
 *
 * <p>Special tokens written as their text become those tokens before that: user-defined ones anywhere, control
 * and unknown ones ({@code <s>}, {@code <|im_start|>}) only in text marked as {@link Text#markup() markup} — a
 * chat template's, never what a user wrote. Text after a special token gets the leading space again.
 *
 * <p>Immutable; safe to share between threads.
 */
public final class Tokenizer {

    private static final String SPACE = "\u2581";
    private static final int NORMAL = 1;
    private static final int UNKNOWN = 2;
    private static final int CONTROL = 3;
    private static final int USER_DEFINED = 4;
    private static final int BYTE = 6;

    /**
     * A stretch of a prompt.
     *
     * @param text the text
     * @param markup whether control tokens written as their text (a chat template's {@code <|im_start|>}) are
     *               those tokens; false for what a user or a tool wrote, where they are plain text
     */
    public record Text(String text, boolean markup) {
    }

    /** A special token: its text, id, and whether it is matched in markup only. */
    private record Special(String text, int id, boolean markupOnly) {
    }

    private final String[] pieces;
    private final float[] scores;
    private final int[] types;
    private final Map<String, Integer> ids = new HashMap<>();
    private final int[] byteTokens = new int[256];
    private final int bos;
    private final int eos;
    private final boolean addSpacePrefix;
    private final boolean addBos;
    /** Longest first, as llama.cpp matches them. */
    private final List<Special> specials = new ArrayList<>();

    /** Reads the vocabulary from the metadata of {@code file}. */
    public Tokenizer(GgufFile file) throws IOException {
        Object model = file.metadata().get("tokenizer.ggml.model");
        if (!"llama".equals(model)) {
            throw new IOException(file.path() + " has tokenizer " + model + "; this engine runs the \"llama\" "
                    + "(SentencePiece) tokenizer only");
        }
        List<?> tokens = file.array("tokenizer.ggml.tokens");
        List<?> s = file.array("tokenizer.ggml.scores");
        List<?> t = file.metadata().get("tokenizer.ggml.token_type") instanceof List<?> l ? l : null;
        int n = tokens.size();
        if (s.size() != n || (t != null && t.size() != n)) {
            throw new IOException(file.path() + ": the tokenizer has " + n + " tokens but " + s.size()
                    + " scores and " + (t == null ? 0 : t.size()) + " token types");
        }
        pieces = new String[n];
        scores = new float[n];
        types = new int[n];
        java.util.Arrays.fill(byteTokens, -1);
        for (int i = 0; i < n; i++) {
            pieces[i] = (String) tokens.get(i);
            scores[i] = ((Number) s.get(i)).floatValue();
            types[i] = t == null ? NORMAL : ((Number) t.get(i)).intValue();
            ids.putIfAbsent(pieces[i], i);
            if (types[i] == BYTE && pieces[i].length() == 6 && pieces[i].startsWith("<0x")) {
                byteTokens[Integer.parseInt(pieces[i].substring(3, 5), 16)] = i;
            }
        }
        bos = file.integer("tokenizer.ggml.bos_token_id");
        eos = file.integer("tokenizer.ggml.eos_token_id");
        addSpacePrefix = !(file.metadata().get("tokenizer.ggml.add_space_prefix") instanceof Boolean b) || b;
        addBos = !(file.metadata().get("tokenizer.ggml.add_bos_token") instanceof Boolean b) || b;
        for (int i = 0; i < n; i++) {
            if (!pieces[i].isEmpty() && (types[i] == CONTROL || types[i] == UNKNOWN || types[i] == USER_DEFINED)) {
                specials.add(new Special(pieces[i], i, types[i] != USER_DEFINED));
            }
        }
        specials.sort(java.util.Comparator.comparingInt((Special sp) -> -sp.text.length()).thenComparingInt(Special::id));
        if (bos < 0 || bos >= n || eos < 0 || eos >= n) {
            throw new IOException(file.path() + ": the BOS token " + bos + " or the EOS token " + eos
                    + " is not in the vocabulary of " + n + " tokens");
        }
    }

    public int size() {
        return pieces.length;
    }

    public int bos() {
        return bos;
    }

    public int eos() {
        return eos;
    }

    /** Whether a prompt starts with BOS ({@code tokenizer.ggml.add_bos_token}, true when absent). */
    public boolean addBos() {
        return addBos;
    }

    /** A token's text as the vocabulary has it ({@code <s>}, {@code ▁the}, {@code <0x0A>}). */
    public String piece(int id) {
        return pieces[id];
    }

    /** The tokens of {@code text}, without BOS; no control token is read from it. */
    public List<Integer> encode(String text) {
        return encode(List.of(new Text(text, false)));
    }

    /**
     * The tokens of a prompt made of {@code parts}, without BOS: special tokens first (see the class comment),
     * then each stretch of other text between them, however many parts it spans, as one text.
     */
    public List<Integer> encode(List<Text> parts) {
        // fragments: a String is text still to encode, an Integer a special token found
        List<Object> fragments = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (Text part : parts) {
            for (Object f : partition(part.text(), part.markup())) {
                if (f instanceof String s) {
                    pending.append(s);
                } else {
                    if (!pending.isEmpty()) {
                        fragments.add(pending.toString());
                        pending.setLength(0);
                    }
                    fragments.add(f);
                }
            }
        }
        if (!pending.isEmpty()) {
            fragments.add(pending.toString());
        }
        List<Integer> out = new ArrayList<>();
        boolean afterSpecial = true; // the start of the prompt counts as after one, as in llama.cpp
        for (Object f : fragments) {
            if (f instanceof Integer id) {
                out.add(id);
                afterSpecial = true;
            } else {
                encodeText((afterSpecial && addSpacePrefix ? " " : "") + f, out);
                afterSpecial = false;
            }
        }
        return out;
    }

    /** {@code text} split at the special tokens written in it: Strings and Integer token ids, in order. */
    private List<Object> partition(String text, boolean markup) {
        List<Object> fragments = new ArrayList<>();
        if (!text.isEmpty()) {
            fragments.add(text);
        }
        for (Special sp : specials) {
            if (sp.markupOnly && !markup) {
                continue;
            }
            for (int i = 0; i < fragments.size(); i++) {
                if (!(fragments.get(i) instanceof String s)) {
                    continue;
                }
                int at = s.indexOf(sp.text);
                if (at < 0) {
                    continue;
                }
                fragments.remove(i);
                int inserted = 0;
                int from = 0;
                for (; at >= 0; at = s.indexOf(sp.text, from)) {
                    if (at > from) {
                        fragments.add(i + inserted++, s.substring(from, at));
                    }
                    fragments.add(i + inserted++, sp.id);
                    from = at + sp.text.length();
                }
                if (from < s.length()) {
                    fragments.add(i + inserted++, s.substring(from));
                }
                i += inserted - 1;
            }
        }
        return fragments;
    }

    /** SentencePiece on text without special tokens (its leading space, if any, already added). */
    private void encodeText(String text, List<Integer> out) {
        if (text.isEmpty()) {
            return;
        }
        String s = text.replace(" ", SPACE);
        // one symbol per code point, linked so that merges remove the right one
        List<String> sym = new ArrayList<>();
        s.codePoints().forEach(cp -> sym.add(Character.toString(cp)));
        int count = sym.size();
        String[] text2 = sym.toArray(new String[0]);
        int[] prev = new int[count];
        int[] next = new int[count];
        for (int i = 0; i < count; i++) {
            prev[i] = i - 1;
            next[i] = i + 1 < count ? i + 1 : -1;
        }
        record Bigram(int left, int right, float score, String text) {
        }
        PriorityQueue<Bigram> queue = new PriorityQueue<>((a, b) -> a.score != b.score
                ? Float.compare(b.score, a.score) : Integer.compare(a.left, b.left));
        java.util.function.BiConsumer<Integer, Integer> tryAdd = (l, r) -> {
            if (l < 0 || r < 0) {
                return;
            }
            String merged = text2[l] + text2[r];
            Integer id = ids.get(merged);
            if (id != null) {
                queue.add(new Bigram(l, r, scores[id], merged));
            }
        };
        for (int i = 1; i < count; i++) {
            tryAdd.accept(i - 1, i);
        }
        while (!queue.isEmpty()) {
            Bigram b = queue.poll();
            // skip a pair one of whose symbols has merged since it was queued
            if (text2[b.left].isEmpty() || text2[b.right].isEmpty() || !(text2[b.left] + text2[b.right]).equals(b.text)) {
                continue;
            }
            text2[b.left] = b.text;
            text2[b.right] = "";
            next[b.left] = next[b.right];
            if (next[b.right] >= 0) {
                prev[next[b.right]] = b.left;
            }
            tryAdd.accept(prev[b.left], b.left);
            tryAdd.accept(b.left, next[b.left]);
        }
        for (int i = 0; i != -1; i = next[i]) {
            Integer id = ids.get(text2[i]);
            if (id != null) {
                out.add(id);
                continue;
            }
            for (byte x : text2[i].getBytes(StandardCharsets.UTF_8)) {
                int t = byteTokens[x & 0xFF];
                out.add(t >= 0 ? t : 0);
            }
        }
    }

    /** The text of {@code tokens}: byte tokens are joined into UTF-8, control tokens are dropped. */
    public String decode(List<Integer> tokens) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int id : tokens) {
            if (id < 0 || id >= pieces.length) {
                throw new IllegalArgumentException("token " + id + " is not in the vocabulary of " + pieces.length);
            }
            switch (types[id]) {
                case BYTE -> bytes.write(Integer.parseInt(pieces[id].substring(3, 5), 16));
                case CONTROL -> {
                }
                default -> bytes.writeBytes(pieces[id].replace(SPACE, " ").getBytes(StandardCharsets.UTF_8));
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
