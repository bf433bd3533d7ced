package io.consentry.search;

import java.util.Comparator;
import java.util.Objects;

/**
 * One result of {@link TemplateIndex#search}: a template id and its exact cosine similarity to the query
 * (the dot product of unit vectors, in [-1, 1], higher = more similar).
 *
 * @param id         the id the template was added under
 * @param similarity exact float dot product of the stored template and the query, also for quantised indexes
 */
public record SearchHit(String id, double similarity) {

    /** Result order: similarity descending, then id ascending ({@link String#compareTo}) for ties. */
    public static final Comparator<SearchHit> ORDER =
            Comparator.comparingDouble(SearchHit::similarity).reversed().thenComparing(SearchHit::id);

    public SearchHit {
        Objects.requireNonNull(id, "id");
    }
}
