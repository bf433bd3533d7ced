package io.consentry.search;

import java.util.List;
import java.util.OptionalDouble;

/**
 * A 1:N search index over face templates: L2-normalised float vectors of one fixed dimension, compared by dot
 * product (= cosine similarity, in [-1, 1], higher = more similar). Implementations: {@link FlatIndex} (exact) and
 * {@link QuantizedIndex} (int8 candidates, exact re-rank); a distributed backend may implement it too.
 *
 * <pre>{@code
 * TemplateIndex index = new QuantizedIndex(128);
 * index.add("alice#1", embedding.vector());                    // must be unit length
 * List<SearchHit> top = index.search(probe.vector(), 5);      // best first
 * boolean same = index.similarity("alice#1", probe.vector())   // 1:1 verify, exact
 *         .orElse(-1) >= threshold;
 * }</pre>
 *
 * <p>Contract (checked by the reusable test {@code TemplateIndexContract} in the core test-jar):
 * <ul>
 *   <li>Vectors (added and queried) must have length {@link #dimension()}, be finite and have unit L2 norm within
 *       1e-3; otherwise {@link IllegalArgumentException}. Null ids or vectors: {@link NullPointerException}.
 *       {@code add} copies the vector; later changes to the caller's array do not affect the index.</li>
 *   <li>{@link #search} returns at most {@code k} hits ordered by {@link SearchHit#ORDER} (similarity descending,
 *       ties by id ascending); all of them when {@code k >= size()}; an empty list for an empty index. The reported
 *       similarity is exact (equal to {@link #similarity}) even when candidates were found approximately.</li>
 *   <li>Thread-safe: searches run in parallel with each other; writers ({@code add}, {@code remove},
 *       {@code clear}) are exclusive. Every operation sees the index either before or after any write.</li>
 * </ul>
 */
public interface TemplateIndex {

    /**
     * Adds a template, replacing the one stored under the same id.
     *
     * @throws IllegalArgumentException wrong dimension, non-finite component, or norm differing from 1 by more than 1e-3
     */
    void add(String id, float[] unitVector);

    /** Removes the template stored under {@code id}; returns whether there was one. */
    boolean remove(String id);

    /** Number of templates. */
    int size();

    /** Length of every template and query. */
    int dimension();

    /**
     * The {@code k} templates most similar to {@code query}, best first (ties by id); all templates if
     * {@code k >= size()}.
     *
     * @throws IllegalArgumentException {@code k < 1}, or a query that is not a unit vector of {@link #dimension()}
     */
    List<SearchHit> search(float[] query, int k);

    /**
     * Exact similarity of the template stored under {@code id} to {@code query} (1:1 verify); empty if there is no
     * such template.
     *
     * @throws IllegalArgumentException a query that is not a unit vector of {@link #dimension()}
     */
    OptionalDouble similarity(String id, float[] query);

    /** Removes every template. */
    void clear();
}
