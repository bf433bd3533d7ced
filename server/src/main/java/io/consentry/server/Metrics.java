package io.consentry.server;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Request metrics in the Prometheus text exposition format (version 0.0.4), written by hand: counters by route
 * template and status, a latency histogram by route, in-flight requests, and the {@link InferenceGate}'s state.
 * Labels are route <em>templates</em> ({@code /api/v1/subjects/{id}}), never ids, keys or client input, so the
 * series count is bounded by the route table. Thread-safe.
 */
final class Metrics {
    /** Histogram bucket upper bounds, seconds. */
    static final double[] BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final Map<String, Histogram> latency = new ConcurrentHashMap<>();
    private final AtomicLong inFlight = new AtomicLong();
    private final Map<String, Gauge> gauges = new java.util.LinkedHashMap<>();

    private record Gauge(String help, String type, LongSupplier value) {
    }

    private static final class Histogram {
        final LongAdder[] counts = new LongAdder[BUCKETS.length];
        final LongAdder count = new LongAdder();
        final DoubleAdder sum = new DoubleAdder();

        Histogram() {
            for (int i = 0; i < counts.length; i++) {
                counts[i] = new LongAdder();
            }
        }

        void observe(double seconds) {
            for (int i = 0; i < BUCKETS.length; i++) {
                if (seconds <= BUCKETS[i]) {
                    counts[i].increment();
                    break;
                }
            }
            count.increment();
            sum.add(seconds);
        }
    }

    /** Registers a value read at scrape time ({@code type} gauge or counter). Call before serving. */
    synchronized void register(String name, String type, String help, LongSupplier value) {
        gauges.put(name, new Gauge(help, type, value));
    }

    void started() {
        inFlight.incrementAndGet();
    }

    /** A finished request: {@code route} is the matched template or {@code "unmatched"}. */
    void finished(String method, String route, int status, double seconds) {
        inFlight.decrementAndGet();
        requests.computeIfAbsent(labels("method", method, "route", route, "status", Integer.toString(status)), k -> new LongAdder()).increment();
        latency.computeIfAbsent(labels("method", method, "route", route), k -> new Histogram()).observe(seconds);
    }

    /** The exposition text. */
    String scrape() {
        StringBuilder b = new StringBuilder(4096);
        b.append("# HELP consentry_http_requests_total HTTP requests by method, route template and status.\n");
        b.append("# TYPE consentry_http_requests_total counter\n");
        new TreeMap<>(requests).forEach((l, v) -> b.append("consentry_http_requests_total{").append(l).append("} ").append(v.sum()).append('\n'));
        b.append("# HELP consentry_http_request_duration_seconds HTTP request latency by method and route template.\n");
        b.append("# TYPE consentry_http_request_duration_seconds histogram\n");
        new TreeMap<>(latency).forEach((l, h) -> {
            long cumulative = 0;
            for (int i = 0; i < BUCKETS.length; i++) {
                cumulative += h.counts[i].sum();
                b.append("consentry_http_request_duration_seconds_bucket{").append(l).append(",le=\"").append(format(BUCKETS[i]))
                        .append("\"} ").append(cumulative).append('\n');
            }
            b.append("consentry_http_request_duration_seconds_bucket{").append(l).append(",le=\"+Inf\"} ").append(h.count.sum()).append('\n');
            b.append("consentry_http_request_duration_seconds_sum{").append(l).append("} ").append(format(h.sum.sum())).append('\n');
            b.append("consentry_http_request_duration_seconds_count{").append(l).append("} ").append(h.count.sum()).append('\n');
        });
        b.append("# HELP consentry_http_requests_in_flight HTTP requests being served.\n");
        b.append("# TYPE consentry_http_requests_in_flight gauge\n");
        b.append("consentry_http_requests_in_flight ").append(inFlight.get()).append('\n');
        Map<String, Gauge> g;
        synchronized (this) {
            g = new java.util.LinkedHashMap<>(gauges);
        }
        g.forEach((name, gauge) -> {
            long v;
            try {
                v = gauge.value().getAsLong();
            } catch (RuntimeException e) {
                return; // e.g. the store is closing: leave the series out of this scrape
            }
            b.append("# HELP ").append(name).append(' ').append(gauge.help()).append('\n');
            b.append("# TYPE ").append(name).append(' ').append(gauge.type()).append('\n');
            b.append(name).append(' ').append(v).append('\n');
        });
        return b.toString();
    }

    static String labels(String... kv) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < kv.length; i += 2) {
            if (i > 0) {
                b.append(',');
            }
            b.append(kv[i]).append("=\"").append(escape(kv[i + 1])).append('"');
        }
        return b.toString();
    }

    static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static String format(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.format(Locale.ROOT, "%.1f", d) : Double.toString(d);
    }
}
