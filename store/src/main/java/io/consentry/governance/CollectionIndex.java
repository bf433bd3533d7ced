package io.consentry.governance;

import io.consentry.search.SearchHit;
import io.consentry.search.TemplateIndex;
import io.consentry.store.StoredTemplate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;

/**
 * The in-memory search state of one collection: a {@link TemplateIndex} over search-space vectors plus the
 * template↔subject maps. Thread-safe (concurrent maps, thread-safe index); mutations are serialised by the service.
 */
final class CollectionIndex {
    private final String modelId;
    private final IntFunction<TemplateIndex> factory;
    private volatile TemplateIndex index;
    private final Map<String, String> subjectOfTemplate = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> templatesOfSubject = new ConcurrentHashMap<>();

    CollectionIndex(String modelId, IntFunction<TemplateIndex> factory) {
        this.modelId = modelId;
        this.factory = factory;
    }

    /** Adds a template of the service's model; returns false (and skips it) for another model or dimension. */
    boolean add(StoredTemplate t) {
        if (!t.modelId().equals(modelId)) {
            return false;
        }
        TemplateIndex idx = index;
        if (idx == null) {
            idx = factory.apply(t.dimension());
            index = idx;
        } else if (idx.dimension() != t.dimension()) {
            return false;
        }
        idx.add(t.id(), t.descriptor());
        subjectOfTemplate.put(t.id(), t.subjectId());
        templatesOfSubject.computeIfAbsent(t.subjectId(), k -> ConcurrentHashMap.newKeySet()).add(t.id());
        return true;
    }

    /** Whether the template is in this index. */
    boolean contains(String templateId) {
        return subjectOfTemplate.containsKey(templateId);
    }

    void remove(String templateId) {
        String subject = subjectOfTemplate.remove(templateId);
        TemplateIndex idx = index;
        if (idx != null) {
            idx.remove(templateId);
        }
        if (subject != null) {
            Set<String> ids = templatesOfSubject.get(subject);
            if (ids != null) {
                ids.remove(templateId);
                if (ids.isEmpty()) {
                    templatesOfSubject.remove(subject, ids);
                }
            }
        }
    }

    int size() {
        TemplateIndex idx = index;
        return idx == null ? 0 : idx.size();
    }

    /** A subject's best similarity to {@code query} over its templates here. */
    record SubjectHit(String subjectId, double similarity, int templates) {
    }

    /** Up to {@code k} subjects, best first (each by its best template). */
    List<SubjectHit> search(float[] query, int k) {
        TemplateIndex idx = index;
        if (idx == null || idx.size() == 0 || idx.dimension() != query.length) {
            return List.of();
        }
        int n = idx.size();
        int fetch = Math.min(n, Math.max(k * 8, 32));
        while (true) {
            List<SearchHit> hits = idx.search(query, fetch);
            Map<String, SubjectHit> best = new LinkedHashMap<>();
            for (SearchHit h : hits) {
                String subject = subjectOfTemplate.get(h.id());
                if (subject != null && !best.containsKey(subject)) {
                    best.put(subject, new SubjectHit(subject, h.similarity(), templatesOfSubject.getOrDefault(subject, Set.of()).size()));
                }
            }
            if (best.size() >= k || fetch >= n) {
                List<SubjectHit> out = new ArrayList<>(best.values());
                return out.subList(0, Math.min(k, out.size()));
            }
            fetch = (int) Math.min(n, (long) fetch * 4);
        }
    }

    /** How many templates of the subject this index holds. */
    int templatesOf(String subjectId) {
        return templatesOfSubject.getOrDefault(subjectId, Set.of()).size();
    }

    /** The best similarity of {@code query} to the subject's templates here, and how many were compared. */
    SubjectHit verify(String subjectId, float[] query) {
        TemplateIndex idx = index;
        Set<String> ids = templatesOfSubject.getOrDefault(subjectId, Set.of());
        if (idx == null || ids.isEmpty() || idx.dimension() != query.length) {
            return new SubjectHit(subjectId, Double.NaN, 0);
        }
        double best = Double.NEGATIVE_INFINITY;
        int compared = 0;
        for (String id : ids) {
            OptionalDouble s = idx.similarity(id, query);
            if (s.isPresent()) {
                compared++;
                best = Math.max(best, s.getAsDouble());
            }
        }
        return new SubjectHit(subjectId, compared == 0 ? Double.NaN : best, compared);
    }
}
