package aios.manager.context;

import aios.kernel.api.GenerationCheckpoint;
import aios.kernel.api.syscall.LlmAction;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.Message;
import aios.kernel.api.syscall.Role;
import aios.kernel.api.syscall.Sampling;
import aios.kernel.api.syscall.Scheduling;
import aios.kernel.api.syscall.ToolCall;
import aios.kernel.api.syscall.ToolSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The bytes of a saved context: a magic number and format version, the agent, the time, the conversation and each
 * unfinished generation (its query and its backend's state bytes), then a CRC-32 of all that, so that a truncated or
 * damaged file is refused rather than half-restored.
 */
record SnapshotFile(String agent, Instant created, List<Message> conversation, List<GenerationCheckpoint> generations) {

    static final int VERSION = 1;
    private static final byte[] MAGIC = "AIOSCTX\0".getBytes(StandardCharsets.US_ASCII);

    SnapshotFile {
        conversation = List.copyOf(conversation);
        generations = List.copyOf(generations);
    }

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeInt(VERSION);
            string(out, agent);
            out.writeLong(created.toEpochMilli());
            messages(out, conversation);
            out.writeInt(generations.size());
            for (GenerationCheckpoint g : generations) {
                out.writeLong(g.syscall());
                out.writeInt(g.tokens());
                query(out, g.query());
                out.writeInt(g.state().length);
                out.write(g.state());
            }
            CRC32 crc = new CRC32();
            crc.update(bytes.toByteArray());
            out.writeLong(crc.getValue());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    /**
     * Reads what {@link #encode} wrote.
     *
     * @param source names the bytes in error messages, such as the file's path
     * @throws IllegalArgumentException naming {@code source} and what is wrong: not a snapshot, a newer format,
     *     truncated, or damaged
     */
    static SnapshotFile decode(byte[] data, String source) {
        if (data.length < MAGIC.length + 4 + 8 || !Arrays.equals(data, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new IllegalArgumentException(source + " is not an AIOS context snapshot (it does not start with the"
                    + " snapshot header)");
        }
        int version = java.nio.ByteBuffer.wrap(data, MAGIC.length, 4).getInt();
        if (version > VERSION || version < 1) {
            throw new IllegalArgumentException(source + " is a context snapshot of format " + version
                    + "; this kernel reads format " + VERSION + " (a newer kernel wrote it: restore it there)");
        }
        CRC32 crc = new CRC32();
        crc.update(data, 0, data.length - 8);
        if (java.nio.ByteBuffer.wrap(data, data.length - 8, 8).getLong() != crc.getValue()) {
            throw new IllegalArgumentException(source + " is damaged or truncated: its checksum does not match its"
                    + " contents; restore an older snapshot");
        }
        int body = MAGIC.length + 4;
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data, body, data.length - 8 - body))) {
            String agent = string(in);
            Instant created = Instant.ofEpochMilli(in.readLong());
            List<Message> conversation = messages(in);
            int n = count(in);
            List<GenerationCheckpoint> generations = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                long syscall = in.readLong();
                int tokens = in.readInt();
                LlmQuery query = query(in);
                byte[] state = new byte[count(in)];
                in.readFully(state);
                generations.add(new GenerationCheckpoint(syscall, query, tokens, state));
            }
            return new SnapshotFile(agent, created, conversation, generations);
        } catch (IOException | RuntimeException e) {
            // the checksum matched, so the writer wrote this: a bug, or a file assembled by hand
            throw new IllegalArgumentException(source + " cannot be read as a context snapshot: " + e.getMessage(), e);
        }
    }

    private static void query(DataOutputStream out, LlmQuery q) throws IOException {
        string(out, q.agent());
        messages(out, q.messages());
        out.writeInt(q.tools().size());
        for (ToolSpec t : q.tools()) {
            string(out, t.name());
            string(out, t.description());
            string(out, t.parameters());
        }
        string(out, q.action().name());
        Sampling s = q.sampling();
        out.writeInt(s.maxTokens());
        out.writeDouble(s.temperature());
        out.writeDouble(s.topP());
        nullableLong(out, s.seed());
        out.writeInt(s.topK());
        nullable(out, q.model());
        Scheduling sc = q.scheduling();
        out.writeInt(sc.priority());
        nullableLong(out, sc.deadline() == null ? null : sc.deadline().toEpochMilli());
        nullableLong(out, sc.costHint() == null ? null : sc.costHint().toNanos());
    }

    private static LlmQuery query(DataInputStream in) throws IOException {
        String agent = string(in);
        List<Message> messages = messages(in);
        int n = count(in);
        List<ToolSpec> tools = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            tools.add(new ToolSpec(string(in), string(in), string(in)));
        }
        LlmAction action = LlmAction.valueOf(string(in));
        Sampling sampling = new Sampling(in.readInt(), in.readDouble(), in.readDouble(), nullableLong(in), in.readInt());
        String model = nullable(in);
        int priority = in.readInt();
        Long deadline = nullableLong(in);
        Long cost = nullableLong(in);
        Scheduling scheduling = new Scheduling(priority, deadline == null ? null : Instant.ofEpochMilli(deadline),
                cost == null ? null : Duration.ofNanos(cost));
        return new LlmQuery(agent, messages, tools, action, sampling, model, scheduling);
    }

    private static void messages(DataOutputStream out, List<Message> messages) throws IOException {
        out.writeInt(messages.size());
        for (Message m : messages) {
            string(out, m.role().name());
            string(out, m.content());
            out.writeInt(m.toolCalls().size());
            for (ToolCall c : m.toolCalls()) {
                nullable(out, c.id());
                string(out, c.name());
                string(out, c.arguments());
            }
            nullable(out, m.toolCallId());
        }
    }

    private static List<Message> messages(DataInputStream in) throws IOException {
        int n = count(in);
        List<Message> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Role role = Role.valueOf(string(in));
            String content = string(in);
            int calls = count(in);
            List<ToolCall> toolCalls = new ArrayList<>(calls);
            for (int c = 0; c < calls; c++) {
                toolCalls.add(new ToolCall(nullable(in), string(in), string(in)));
            }
            out.add(new Message(role, content, toolCalls, nullable(in)));
        }
        return out;
    }

    /** A length or count, refused when negative (the CRC passed, so only a bug could write one). */
    private static int count(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > in.available()) {
            throw new EOFException("a count of " + n + " runs past the end");
        }
        return n;
    }

    private static void string(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String string(DataInputStream in) throws IOException {
        byte[] b = new byte[count(in)];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static void nullable(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            string(out, s);
        }
    }

    private static String nullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? string(in) : null;
    }

    private static void nullableLong(DataOutputStream out, Long v) throws IOException {
        out.writeBoolean(v != null);
        if (v != null) {
            out.writeLong(v);
        }
    }

    private static Long nullableLong(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readLong() : null;
    }
}
