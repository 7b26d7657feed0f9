package aios.manager.storage;

import aios.text.TextTable;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code aios:history} and {@code aios:events}: what the DataCollector recorded, newest last. */
@Component(service = HistoryCommands.class, property = {
        "osgi.command.scope=aios",
        "osgi.command.function=history",
        "osgi.command.function=events"})
public final class HistoryCommands {

    static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneId.systemDefault());
    private static final Set<String> STATUSES = Set.of("COMPLETED", "FAILED", "CANCELLED");

    @Reference
    private Database db;

    /** For DS. */
    public HistoryCommands() {
    }

    HistoryCommands(Database db) {
        this.db = db;
    }

    @Descriptor("finished syscalls from the storage database (all kernel runs), newest last")
    public String history(
            @Descriptor("only this agent's") @Parameter(names = "--agent", absentValue = "") String agent,
            @Descriptor("only those finished since: an ISO instant or a duration back, such as 5m")
            @Parameter(names = "--since", absentValue = "") String since,
            @Descriptor("only COMPLETED, FAILED or CANCELLED") @Parameter(names = "--status", absentValue = "")
            String status,
            @Descriptor("at most this many (the newest)") @Parameter(names = "--limit", absentValue = "50") int limit,
            @Descriptor("table (for people) or tsv (for programs: raw values, times in epoch microseconds)")
            @Parameter(names = "--format", absentValue = "table") String format)
            throws SQLException {
        if (!format.equals("table") && !format.equals("tsv")) {
            throw new IllegalArgumentException("--format '" + format + "' is not a format: use table or tsv");
        }
        String wanted = status.toUpperCase(Locale.ROOT);
        if (!status.isEmpty() && !STATUSES.contains(wanted)) {
            throw new IllegalArgumentException("--status '" + status + "' is not a status: use COMPLETED, FAILED or "
                    + "CANCELLED");
        }
        requireLimit(limit);
        Instant from = since.isEmpty() ? null : TimeArgument.parse("--since", since, Instant.now());
        StringBuilder sql = new StringBuilder("SELECT syscall, agent, kind, status, policy, end_us, waiting_us, "
                + "service_us, turnaround_us, error, arrival_us FROM task_history WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        where(sql, args, "agent = ?", agent.isEmpty() ? null : agent);
        where(sql, args, "status = ?", status.isEmpty() ? null : wanted);
        where(sql, args, "end_us >= ?", from == null ? null : Clock.micros(from));
        sql.append(" ORDER BY end_us DESC, row_id DESC LIMIT ?");
        args.add(limit);
        List<Object[]> rows = query(sql.toString(), args, 11);
        if (format.equals("tsv")) {
            return tsv(rows);
        }
        if (rows.isEmpty()) {
            return "no finished syscalls recorded" + filters(agent, since, status) + "\n";
        }
        TextTable t = new TextTable("ID", "AGENT", "KIND", "STATUS", "POLICY", "END", "WAITING", "SERVICE",
                "TURNAROUND", "ERROR");
        for (Object[] r : rows) {
            t.row(r[0], r[1], r[2], r[3], r[4], TIME.format(Clock.instant((Long) r[5])), micros(r[6]), micros(r[7]),
                    micros(r[8]), r[9]);
        }
        return t.toString();
    }

    /** One line per row, tab-separated, raw values ({@code -} for none); a header line even when there is no row. */
    private static String tsv(List<Object[]> rows) {
        StringBuilder out = new StringBuilder("id\tagent\tkind\tstatus\tpolicy\tarrival_us\tend_us\twaiting_us\t"
                + "service_us\tturnaround_us\terror\n");
        for (Object[] r : rows) {
            Object[] ordered = {r[0], r[1], r[2], r[3], r[4], r[10], r[5], r[6], r[7], r[8], r[9]};
            for (int i = 0; i < ordered.length; i++) {
                Object v = ordered[i];
                // an error text may hold tabs or line breaks: they would split the row
                out.append(i == 0 ? "" : "\t").append(v == null ? "-" : v.toString().replaceAll("[\t\r\n]", " "));
            }
            out.append('\n');
        }
        return out.toString();
    }

    @Descriptor("kernel events from the storage database, newest last")
    public String events(
            @Descriptor("only this topic, or those starting so when it ends in * (quote it: 'aios/syscall/*')")
            @Parameter(names = "--topic", absentValue = "") String topic,
            @Descriptor("only this agent's") @Parameter(names = "--agent", absentValue = "") String agent,
            @Descriptor("only those since: an ISO instant or a duration back, such as 5m")
            @Parameter(names = "--since", absentValue = "") String since,
            @Descriptor("at most this many (the newest)") @Parameter(names = "--limit", absentValue = "50") int limit)
            throws SQLException {
        requireLimit(limit);
        Instant from = since.isEmpty() ? null : TimeArgument.parse("--since", since, Instant.now());
        StringBuilder sql = new StringBuilder("SELECT time_us, topic, agent, syscall, properties FROM events WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (topic.endsWith("*")) {
            String prefix = topic.substring(0, topic.length() - 1);
            // a range, not LIKE: the prefix is taken literally and the topic index is used
            where(sql, args, "topic >= ?", prefix);
            where(sql, args, "topic < ?", prefix + Character.MAX_VALUE);
        } else {
            where(sql, args, "topic = ?", topic.isEmpty() ? null : topic);
        }
        where(sql, args, "agent = ?", agent.isEmpty() ? null : agent);
        where(sql, args, "time_us >= ?", from == null ? null : Clock.micros(from));
        sql.append(" ORDER BY time_us DESC, row_id DESC LIMIT ?");
        args.add(limit);
        List<Object[]> rows = query(sql.toString(), args, 5);
        if (rows.isEmpty()) {
            return "no events recorded" + filters(agent, since, topic) + "\n";
        }
        TextTable t = new TextTable("TIME", "TOPIC", "AGENT", "SYSCALL", "PROPERTIES");
        for (Object[] r : rows) {
            t.row(TIME.format(Clock.instant((Long) r[0])), r[1], r[2], r[3], r[4]);
        }
        return t.toString();
    }

    private static void requireLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("--limit " + limit + " must be at least 1");
        }
    }

    private static void where(StringBuilder sql, List<Object> args, String condition, Object value) {
        if (value != null) {
            sql.append(" AND ").append(condition);
            args.add(value);
        }
    }

    private static String filters(String... values) {
        return String.join("", values).isEmpty() ? "" : " that match";
    }

    private static String micros(Object us) {
        if (us == null) {
            return null;
        }
        long v = (Long) us;
        return v < 10_000 ? v + " µs" : v < 10_000_000 ? v / 1_000 + " ms" : v / 1_000_000 + " s";
    }

    /** Runs a query, newest first, and returns its rows oldest first. */
    private List<Object[]> query(String sql, List<Object> args, int columns) throws SQLException {
        List<Object[]> rows = db.read(c -> {
            List<Object[]> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(sql)) {
                for (int i = 0; i < args.size(); i++) {
                    s.setObject(i + 1, args.get(i));
                }
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        Object[] row = new Object[columns];
                        for (int i = 0; i < columns; i++) {
                            Object v = r.getObject(i + 1);
                            row[i] = v instanceof Integer n ? Long.valueOf(n) : v;
                        }
                        out.add(row);
                    }
                }
            }
            return out;
        });
        Collections.reverse(rows);
        return rows;
    }
}
