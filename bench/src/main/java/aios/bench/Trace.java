package aios.bench;

import aios.kernel.api.syscall.Resource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A workload to replay: one row per task, in arrival order. Its CSV form has the header {@value #HEADER}; times
 * are milliseconds from the trace's start (decimals allowed, kept to the microsecond), {@code deadline_ms} is
 * absolute from the trace's start or empty for none, {@code priority} is an integer where larger is more urgent.
 * Rows may come in any order; they are sorted by arrival, rows arriving together keeping their file order.
 *
 * @param rows the tasks, by arrival time; a task's index here is its id
 */
record Trace(List<Row> rows) {

    static final String HEADER = "arrival_ms,agent,resource,service_ms,priority,deadline_ms";
    private static final String[] FIELDS = HEADER.split(",");
    /** The kernel's rule for agent names; checked here so that a bad name is reported with its line. */
    private static final Pattern AGENT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /**
     * One task.
     *
     * @param arrivalMicros when it arrives, from the trace's start
     * @param agent the agent submitting it
     * @param resource the resource it asks for
     * @param serviceMicros how long it holds the resource, &gt; 0
     * @param priority larger is more urgent
     * @param deadlineMicros when it should be done, from the trace's start, or {@link #NO_DEADLINE}
     */
    record Row(long arrivalMicros, String agent, Resource resource, long serviceMicros, int priority,
               long deadlineMicros) {

        /** {@code deadlineMicros} of a task without a deadline (as in {@code Task.deadlineNanos()}). */
        static final long NO_DEADLINE = Long.MAX_VALUE;

        Row {
            if (arrivalMicros < 0 || serviceMicros <= 0 || deadlineMicros < arrivalMicros) {
                throw new IllegalArgumentException("a trace row needs arrival ≥ 0, service > 0 and deadline ≥ arrival,"
                        + " not arrival " + arrivalMicros + " µs, service " + serviceMicros + " µs, deadline "
                        + deadlineMicros + " µs");
            }
        }

        boolean hasDeadline() {
            return deadlineMicros != NO_DEADLINE;
        }
    }

    Trace {
        rows = rows.stream().sorted(Comparator.comparingLong(Row::arrivalMicros)).toList();
    }

    /** The agents of the trace, in order of their first task. */
    List<String> agents() {
        return rows.stream().map(Row::agent).distinct().toList();
    }

    /** Time from the trace's start to the last arrival. */
    long spanMicros() {
        return rows.isEmpty() ? 0 : rows.get(rows.size() - 1).arrivalMicros();
    }

    long totalServiceMicros() {
        return rows.stream().mapToLong(Row::serviceMicros).sum();
    }

    /**
     * Reads a trace in CSV form.
     *
     * @throws IllegalArgumentException naming the line, the field and the bad value
     */
    static Trace parse(Reader in) throws IOException {
        BufferedReader lines = new BufferedReader(in);
        String header = lines.readLine();
        if (header == null || !header.strip().equals(HEADER)) {
            throw new IllegalArgumentException("trace line 1: the header must be '" + HEADER + "', not "
                    + (header == null ? "an empty file" : "'" + header.strip() + "'"));
        }
        List<Row> rows = new ArrayList<>();
        int number = 1;
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            number++;
            if (!line.isBlank()) {
                rows.add(parseRow(number, line.strip()));
            }
        }
        return new Trace(rows);
    }

    static Trace parse(String csv) {
        try {
            return parse(new StringReader(csv));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringReader does not fail
        }
    }

    private static Row parseRow(int line, String text) {
        String[] f = text.split(",", -1);
        if (f.length != FIELDS.length) {
            throw new IllegalArgumentException("trace line " + line + ": " + f.length + " fields, expected "
                    + FIELDS.length + " (" + HEADER + "): '" + text + "'");
        }
        long arrival = micros(line, 0, f[0]);
        String agent = f[1].strip();
        if (!AGENT_NAME.matcher(agent).matches()) {
            throw bad(line, 1, agent, "an agent name: 1–64 characters from A-Z a-z 0-9 . _ -, starting with a"
                    + " letter or digit");
        }
        Resource resource;
        try {
            resource = Resource.parse(f[2]);
        } catch (IllegalArgumentException e) {
            throw bad(line, 2, f[2], "a resource: llm, memory, storage or tool");
        }
        long service = micros(line, 3, f[3]);
        if (service == 0) {
            throw bad(line, 3, f[3], "a duration > 0 ms");
        }
        int priority;
        try {
            priority = Integer.parseInt(f[4].strip());
        } catch (NumberFormatException e) {
            throw bad(line, 4, f[4], "an integer (larger is more urgent)");
        }
        long deadline = Row.NO_DEADLINE;
        if (!f[5].isBlank()) {
            deadline = micros(line, 5, f[5]);
            if (deadline < arrival) {
                throw bad(line, 5, f[5], "empty or a time ≥ arrival_ms (" + f[0].strip() + "), absolute from the"
                        + " trace's start");
            }
        }
        return new Row(arrival, agent, resource, service, priority, deadline);
    }

    /** Milliseconds (decimals allowed) to whole microseconds. */
    private static long micros(int line, int field, String text) {
        try {
            long us = new BigDecimal(text.strip()).movePointRight(3).setScale(0, java.math.RoundingMode.HALF_UP)
                    .longValueExact();
            if (us >= 0) {
                return us;
            }
        } catch (NumberFormatException | ArithmeticException e) {
            // reported below
        }
        throw bad(line, field, text, "a number of milliseconds ≥ 0");
    }

    private static IllegalArgumentException bad(int line, int field, String value, String expected) {
        return new IllegalArgumentException("trace line " + line + ", field " + FIELDS[field] + ": '" + value.strip()
                + "' is not " + expected);
    }

    /** The CSV form, header first, times in milliseconds with three decimals. */
    String toCsv() {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (Row r : rows) {
            sb.append(millis(r.arrivalMicros())).append(',').append(r.agent()).append(',').append(r.resource().id())
                    .append(',').append(millis(r.serviceMicros())).append(',').append(r.priority()).append(',')
                    .append(r.hasDeadline() ? millis(r.deadlineMicros()) : "").append('\n');
        }
        return sb.toString();
    }

    private static String millis(long micros) {
        return String.format(Locale.ROOT, "%d.%03d", micros / 1000, micros % 1000);
    }
}
