package io.consentry.search.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.consentry.search.FlatIndex;
import io.consentry.search.IndexOptions;
import io.consentry.search.QuantizedIndex;
import io.consentry.search.SearchHit;
import io.consentry.search.SyntheticTemplates;
import io.consentry.search.TemplateIndex;
import io.consentry.search.VectorUtil;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

/**
 * 1:N search benchmark: build time, identify latency (p50/p99) and recall@1 of {@link QuantizedIndex} against the
 * exact {@link FlatIndex}, on synthetic 128-D templates, single-threaded and with the parallel scan, with SIMD (this
 * JVM) and without (a child JVM started with {@code -Dconsentry.vectorization=scalar}).
 *
 * <pre>
 * mvn -q -o test-compile -pl core
 * java -Xmx3g --add-modules jdk.incubator.vector \
 *   -cp core/target/classes:core/target/test-classes:$(cd core &amp;&amp; mvn -q -o dependency:build-classpath -Dmdep.outputFile=/dev/stdout) \
 *   io.consentry.search.bench.IndexBench [sizes...] [options]
 * </pre>
 *
 * Options: {@code --data face|random} (default face: {@link SyntheticTemplates#faceLike}, 10,000 identities, so
 * the 1M gallery holds 100 samples per identity), {@code --identities N}, {@code --queries N} (default 1000, split
 * evenly over the four query kinds below), {@code --k N} (default 5), {@code --seed N}, {@code --json} (also print
 * the results as JSON), {@code --no-scalar} (skip the child JVM), {@code --scalar-queries N} (default 400),
 * {@code --sweep} (recall@1 at k=1 against oversample, to choose {@link QuantizedIndex#DEFAULT_OVERSAMPLE}),
 * {@code --threshold} (single vs parallel latency by size, to choose the parallel thresholds).
 *
 * <p>Query kinds: {@code copy} (a stored template plus noise, cosine ~0.98 to it), {@code mate} (a fresh sample of
 * an enrolled identity), {@code unknown} (a fresh sample of an identity not enrolled), {@code random} (uniform on the
 * sphere). Latency is over all queries after a warm-up of 100 queries per index, one query at a time.
 */
public final class IndexBench {

    private static final String CHILD_FLAG = "--child-scalar";
    private static final String ROW_PREFIX = "@@ROW ";
    private static final String[] KINDS = {"copy", "mate", "unknown", "random"};

    /** One line of the result table. */
    public record Row(String impl, String index, int threads, int size, double buildSeconds, int queries, int k,
                      double p50Ms, double p99Ms, double meanMs, Double recallAt1, Double recallAt1K1,
                      Map<String, Double> recallByKindK1) {
    }

    private final List<Integer> sizes = new ArrayList<>();
    private String data = "face";
    private int identities = 10_000;
    private int queries = 1000;
    private int scalarQueries = 400;
    private int k = 5;
    private long seed = 42;
    private boolean json;
    private boolean scalarChild = true;
    private boolean child;
    private boolean sweep;
    private boolean threshold;
    private final int threads = Runtime.getRuntime().availableProcessors();

    public static void main(String[] args) throws Exception {
        IndexBench bench = new IndexBench();
        bench.parse(args);
        bench.run(args);
    }

    private void parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data" -> data = args[++i];
                case "--identities" -> identities = Integer.parseInt(args[++i]);
                case "--queries" -> queries = Integer.parseInt(args[++i]);
                case "--scalar-queries" -> scalarQueries = Integer.parseInt(args[++i]);
                case "--k" -> k = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--json" -> json = true;
                case "--no-scalar" -> scalarChild = false;
                case "--sweep" -> sweep = true;
                case "--threshold" -> threshold = true;
                case CHILD_FLAG -> child = true;
                default -> {
                    if (args[i].startsWith("--")) {
                        throw new IllegalArgumentException("unknown option " + args[i]);
                    }
                    sizes.add(parseSize(args[i]));
                }
            }
        }
        if (sizes.isEmpty()) {
            sizes.addAll(List.of(10_000, 100_000, 1_000_000));
        }
        if (!data.equals("face") && !data.equals("random")) {
            throw new IllegalArgumentException("--data must be face or random");
        }
        queries = Math.max(KINDS.length, queries / KINDS.length * KINDS.length);
        scalarQueries = Math.max(KINDS.length, scalarQueries / KINDS.length * KINDS.length);
    }

    private static int parseSize(String s) {
        String t = s.toLowerCase(Locale.ROOT).replace("_", "");
        if (t.endsWith("m")) {
            return Integer.parseInt(t.substring(0, t.length() - 1)) * 1_000_000;
        }
        if (t.endsWith("k")) {
            return Integer.parseInt(t.substring(0, t.length() - 1)) * 1_000;
        }
        return Integer.parseInt(t);
    }

    private void run(String[] args) throws Exception {
        if (child) {
            for (int n : sizes) {
                for (Row r : measure(n)) {
                    System.out.println(ROW_PREFIX + new ObjectMapper().writeValueAsString(r));
                }
            }
            return;
        }
        System.out.printf(Locale.ROOT, "IndexBench: %s, %d cores, max heap %d MB, vector math %s, data %s%n",
                Runtime.version(), threads, Runtime.getRuntime().maxMemory() >> 20, VectorUtil.implementationName(),
                describeData());
        if (threshold) {
            thresholdTable();
            return;
        }
        if (sweep) {
            for (int n : sizes) {
                sweepTable(n);
            }
            return;
        }
        List<Row> rows = new ArrayList<>();
        for (int n : sizes) {
            rows.addAll(measure(n));
            printTable(rows);
        }
        if (scalarChild && VectorUtil.isVectorized()) {
            System.out.println("\nscalar run (child JVM, -Dconsentry.vectorization=scalar, " + scalarQueries + " queries)...");
            rows.addAll(runScalarChild(args));
            printTable(rows);
        }
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("java", Runtime.version().toString());
            doc.put("cores", threads);
            doc.put("data", describeData());
            doc.put("rows", rows);
            System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc));
        }
    }

    private String describeData() {
        return data.equals("face") ? "face-like, " + identities + " identities" : "uniform random";
    }

    private SyntheticTemplates generator() {
        return data.equals("face") ? SyntheticTemplates.faceLike(128, identities, seed) : SyntheticTemplates.random(128, seed);
    }

    /** The benchmark queries: {@code count / 4} of each kind, deterministic. */
    private static float[][] queries(SyntheticTemplates gen, int n, int count, long salt) {
        float[][] q = new float[count][];
        SplittableRandom rnd = new SplittableRandom(salt);
        int per = count / KINDS.length;
        for (int i = 0; i < count; i++) {
            int kind = i / per;
            long nonce = salt * 1_000_003L + i;
            q[i] = switch (kind) {
                case 0 -> SyntheticTemplates.noisyCopy(gen.template(rnd.nextInt(n)), 0.2, rnd);
                case 1 -> gen.probe(gen.identityOf(rnd.nextInt(n)), nonce);
                case 2 -> gen.unknown(nonce);
                default -> SyntheticTemplates.randomUnit(rnd, gen.dimension());
            };
        }
        return q;
    }

    private static String id(int row) {
        return String.format(Locale.ROOT, "t%07d", row);
    }

    /** Builds the indexes (timed: add calls only) from the generator. */
    private static double[] build(SyntheticTemplates gen, int n, TemplateIndex... indexes) {
        double[] seconds = new double[indexes.length];
        int block = 1024;
        float[][] buf = new float[block][];
        String[] ids = new String[block];
        for (int start = 0; start < n; start += block) {
            int len = Math.min(block, n - start);
            for (int i = 0; i < len; i++) {
                buf[i] = gen.template(start + i);
                ids[i] = id(start + i);
            }
            for (int x = 0; x < indexes.length; x++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < len; i++) {
                    indexes[x].add(ids[i], buf[i]);
                }
                seconds[x] += (System.nanoTime() - t0) / 1e9;
            }
        }
        return seconds;
    }

    private List<Row> measure(int n) {
        SyntheticTemplates gen = generator();
        int q = child ? scalarQueries : queries;
        float[][] qs = queries(gen, n, q, seed + n);
        float[][] warm = queries(gen, n, 100, seed + n + 7);
        String impl = VectorUtil.implementationName();
        List<Row> out = new ArrayList<>();
        String[] truth = null;
        for (int t : new int[] {1, threads}) {
            IndexOptions opts = IndexOptions.builder().optThreads(t).build();
            FlatIndex flat = new FlatIndex(128, opts);
            QuantizedIndex quant = new QuantizedIndex(128, QuantizedIndex.DEFAULT_OVERSAMPLE, opts);
            double[] build = build(gen, n, flat, quant);
            if (truth == null && gen.isFaceLike()) {
                printDataStats(gen, flat, n);
            }
            warmUp(flat, warm);
            warmUp(quant, warm);
            Timed exact = time(flat, qs, k);
            if (truth == null) {
                truth = exact.top1;
            } else if (!Arrays.equals(truth, exact.top1)) {
                System.err.println("WARNING: parallel exact search disagrees with single-threaded search");
            }
            out.add(row(impl, "flat", t, n, build[0], exact, k, null, null, null));
            Timed approx = time(quant, qs, k);
            Double recallK1 = null;
            Map<String, Double> byKind = null;
            if (t == 1) {
                Timed approx1 = time(quant, qs, 1);
                recallK1 = recall(truth, approx1.top1, 0, q);
                byKind = new LinkedHashMap<>();
                int per = q / KINDS.length;
                for (int kind = 0; kind < KINDS.length; kind++) {
                    byKind.put(KINDS[kind], recall(truth, approx1.top1, kind * per, (kind + 1) * per));
                }
            }
            String path = quant.usesInt8Pass(k) ? "int8+rerank" : "quant:exact";
            out.add(row(impl, path, t, n, build[1], approx, k, recall(truth, approx.top1, 0, q), recallK1, byKind));
            flat = null;
            quant = null;
            System.gc();
            if (threads == 1) {
                break;
            }
        }
        return out;
    }

    private static void printDataStats(SyntheticTemplates gen, TemplateIndex index, int n) {
        SplittableRandom rnd = new SplittableRandom(1);
        double sumU = 0, sumU2 = 0, sumM = 0;
        int m = 2000;
        for (int i = 0; i < m; i++) {
            float[] a = gen.template(rnd.nextInt(n));
            float[] b = gen.unknown(10_000_000L + i);
            double u = VectorUtil.dot(a, b);
            sumU += u;
            sumU2 += u * u;
            int row = rnd.nextInt(n);
            sumM += VectorUtil.dot(gen.template(row), gen.probe(gen.identityOf(row), 20_000_000L + i));
        }
        double meanU = sumU / m;
        System.out.printf(Locale.ROOT, "  data check (n=%d): unrelated cosine %.3f +- %.3f, same-identity cosine %.3f%n",
                n, meanU, Math.sqrt(sumU2 / m - meanU * meanU), sumM / m);
    }

    private static void warmUp(TemplateIndex index, float[][] warm) {
        for (float[] q : warm) {
            index.search(q, 5);
        }
    }

    private record Timed(double[] millis, String[] top1) {
    }

    private static Timed time(TemplateIndex index, float[][] qs, int k) {
        double[] ms = new double[qs.length];
        String[] top = new String[qs.length];
        for (int i = 0; i < qs.length; i++) {
            long t0 = System.nanoTime();
            List<SearchHit> hits = index.search(qs[i], k);
            ms[i] = (System.nanoTime() - t0) / 1e6;
            top[i] = hits.get(0).id();
        }
        return new Timed(ms, top);
    }

    private static double recall(String[] truth, String[] got, int from, int to) {
        int hit = 0;
        for (int i = from; i < to; i++) {
            if (truth[i].equals(got[i])) {
                hit++;
            }
        }
        return (double) hit / (to - from);
    }

    private static Row row(String impl, String index, int threads, int n, double build, Timed t, int k, Double recall,
                           Double recallK1, Map<String, Double> byKind) {
        double[] s = t.millis.clone();
        Arrays.sort(s);
        return new Row(impl, index, threads, n, build, s.length, k, percentile(s, 0.50), percentile(s, 0.99),
                Arrays.stream(s).average().orElse(0), recall, recallK1, byKind);
    }

    private static double percentile(double[] sorted, double p) {
        int i = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static void printTable(List<Row> rows) {
        System.out.println();
        System.out.printf(Locale.ROOT, "%-16s %-12s %7s %9s %8s %7s %9s %9s %9s %13s %13s%n", "vector math", "index",
                "threads", "size", "build s", "queries", "p50 ms", "p99 ms", "mean ms", "recall@1 k=5", "recall@1 k=1");
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "%-16s %-12s %7d %9d %8.2f %7d %9.3f %9.3f %9.3f %13s %13s%n", r.impl(),
                    r.index(), r.threads(), r.size(), r.buildSeconds(), r.queries(), r.p50Ms(), r.p99Ms(), r.meanMs(),
                    r.recallAt1() == null ? "exact" : String.format(Locale.ROOT, "%.4f", r.recallAt1()),
                    r.recallAt1K1() == null ? "" : String.format(Locale.ROOT, "%.4f", r.recallAt1K1()));
        }
        System.out.println("  index: flat = FlatIndex; int8+rerank = QuantizedIndex (int8 shortlist of k*"
                + QuantizedIndex.DEFAULT_OVERSAMPLE + ", exact re-rank); quant:exact = QuantizedIndex scanning floats"
                + " exactly (small index, or no SIMD)");
        System.out.println("  threads = most threads one search may use; below the parallel threshold (flat "
                + FlatIndex.DEFAULT_PARALLEL_THRESHOLD + ", quantised " + QuantizedIndex.DEFAULT_PARALLEL_THRESHOLD
                + " rows) the scan stays single-threaded");
        for (Row r : rows) {
            if (r.recallByKindK1() != null) {
                StringBuilder sb = new StringBuilder();
                r.recallByKindK1().forEach((kind, v) -> sb.append(String.format(Locale.ROOT, " %s %.4f", kind, v)));
                System.out.printf(Locale.ROOT, "  recall@1 k=1 by query kind, %s n=%d (%d queries each):%s%n", r.impl(),
                        r.size(), r.queries() / KINDS.length, sb);
            }
        }
    }

    private List<Row> runScalarChild(String[] args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.add("-Dconsentry.vectorization=scalar");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(IndexBench.class.getName());
        cmd.addAll(List.of(args));
        cmd.add(CHILD_FLAG);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<Row> rows = new ArrayList<>();
        ObjectMapper mapper = new ObjectMapper();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith(ROW_PREFIX)) {
                    rows.add(mapper.readValue(line.substring(ROW_PREFIX.length()), Row.class));
                } else {
                    System.out.println(line);
                }
            }
        }
        int rc = p.waitFor();
        if (rc != 0) {
            throw new IllegalStateException("scalar child JVM exited with " + rc);
        }
        return rows;
    }

    /** Median latency single-threaded vs parallel (threshold 0) by size, for both indexes. */
    private void thresholdTable() {
        SyntheticTemplates gen = generator();
        System.out.printf(Locale.ROOT, "%n%9s %12s %12s %8s %12s %12s %8s%n", "size", "flat 1T ms", "flat " + threads
                + "T ms", "speedup", "int8 1T ms", "int8 " + threads + "T ms", "speedup");
        for (int n = 1024; n <= 262_144; n *= 2) {
            IndexOptions one = IndexOptions.builder().optThreads(1).optInitialCapacity(n).build();
            IndexOptions par = IndexOptions.builder().optThreads(threads).optParallelThreshold(0).optInitialCapacity(n).build();
            TemplateIndex f1 = new FlatIndex(128, one);
            TemplateIndex fp = new FlatIndex(128, par);
            TemplateIndex q1 = new QuantizedIndex(128, QuantizedIndex.DEFAULT_OVERSAMPLE, one);
            TemplateIndex qp = new QuantizedIndex(128, QuantizedIndex.DEFAULT_OVERSAMPLE, par);
            build(gen, n, f1, fp, q1, qp);
            float[][] qs = queries(gen, n, 400, seed + n);
            double[] med = new double[4];
            TemplateIndex[] all = {f1, fp, q1, qp};
            for (int round = 0; round < 2; round++) { // round 0 is the warm-up
                for (int i = 0; i < all.length; i++) {
                    double[] ms = time(all[i], qs, k).millis;
                    Arrays.sort(ms);
                    med[i] = percentile(ms, 0.5);
                }
            }
            System.out.printf(Locale.ROOT, "%9d %12.3f %12.3f %8.2f %12.3f %12.3f %8.2f%n", n, med[0], med[1],
                    med[0] / med[1], med[2], med[3], med[2] / med[3]);
        }
    }

    /** recall@1 at k=1 by oversample, per query kind. */
    private void sweepTable(int n) {
        SyntheticTemplates gen = generator();
        float[][] qs = queries(gen, n, queries, seed + n);
        IndexOptions opts = IndexOptions.builder().optThreads(threads).optInitialCapacity(n).build();
        String[] truth;
        {
            FlatIndex flat = new FlatIndex(128, opts);
            build(gen, n, flat);
            truth = time(flat, qs, 1).top1;
        }
        System.gc();
        int per = queries / KINDS.length;
        System.out.printf(Locale.ROOT, "%nrecall@1 at k=1 vs oversample, n=%d, %d queries per kind%n%10s %8s", n, per,
                "oversample", "all");
        for (String kind : KINDS) {
            System.out.printf(Locale.ROOT, " %8s", kind);
        }
        System.out.printf(Locale.ROOT, " %9s%n", "p50 ms");
        IntFunction<QuantizedIndex> make = os -> new QuantizedIndex(128, os, opts);
        for (int os : new int[] {1, 2, 4, 8, 16, 32, 64}) {
            QuantizedIndex quant = make.apply(os);
            build(gen, n, quant);
            warmUp(quant, queries(gen, n, 100, seed + n + 7));
            Timed t = time(quant, qs, 1);
            System.out.printf(Locale.ROOT, "%10d %8.4f", os, recall(truth, t.top1, 0, queries));
            for (int kind = 0; kind < KINDS.length; kind++) {
                System.out.printf(Locale.ROOT, " %8.4f", recall(truth, t.top1, kind * per, (kind + 1) * per));
            }
            double[] ms = t.millis.clone();
            Arrays.sort(ms);
            System.out.printf(Locale.ROOT, " %9.3f%n", percentile(ms, 0.5));
            quant = null;
            System.gc();
        }
    }
}
