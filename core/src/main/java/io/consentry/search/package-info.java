/**
 * 1:N search over face templates (L2-normalised float vectors; similarity = dot product = cosine, higher = more
 * similar).
 *
 * <ul>
 *   <li>{@link io.consentry.search.TemplateIndex}: the contract ({@code add}, {@code remove}, {@code search},
 *       exact {@code similarity} for 1:1 verify); results are {@link io.consentry.search.SearchHit} records.</li>
 *   <li>{@link io.consentry.search.FlatIndex}: exact float scan. {@link io.consentry.search.QuantizedIndex}: int8
 *       scan for candidates, exact float re-rank; about 2-3x faster on large galleries at recall@1 >= 99.9%.</li>
 *   <li>{@link io.consentry.search.IndexOptions}: capacity and the parallel scan (threads, threshold, executor).</li>
 *   <li>{@link io.consentry.search.VectorUtil}: the dot-product kernels, SIMD through the incubating Vector API when
 *       the JVM runs with {@code --add-modules jdk.incubator.vector}, scalar otherwise (logged once).</li>
 * </ul>
 *
 * <pre>{@code
 * TemplateIndex index = new QuantizedIndex(128);
 * index.add("alice#1", embedding.vector());
 * List<SearchHit> candidates = index.search(probe.vector(), 5);
 * }</pre>
 *
 * <p>Both indexes are thread-safe (a read-write lock: parallel searches, exclusive writers) and hold everything
 * on the Java heap: about 4 (flat) or 5 (quantised) bytes per dimension per template, plus ids. Benchmark:
 * {@code io.consentry.search.bench.IndexBench} in the core test sources.
 */
package io.consentry.search;
