package aios.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** The arithmetic of reported figures taken over several rounds. */
final class Rates {

    private Rates() {
    }

    /** The median; of an even count, the mean of the middle two. */
    static double median(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("the median of no values: measure at least one round");
        }
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** What share of {@code limit} {@code achieved} reaches (1: all of it). */
    static double ratio(double achieved, double limit) {
        if (!(limit > 0)) {
            throw new IllegalArgumentException("a ratio to a limit of " + limit + ": the limit must be positive");
        }
        return achieved / limit;
    }

    /** Per-round values, rounded to whole numbers, space-separated: for the reader to see the spread. */
    static String list(List<Double> values) {
        return values.stream().map(v -> Long.toString(Math.round(v))).collect(Collectors.joining(" "));
    }
}
