package io.consentry.search;

/**
 * The {@link TemplateIndexContract} for {@link QuantizedIndex} with its default oversample, the int8 pass forced
 * on for every size (by default small indexes are scanned exactly, which {@link FlatIndexContractTest} covers) and
 * the parallel scan on from the first row.
 */
class QuantizedIndexContractTest extends TemplateIndexContract {

    @Override
    protected TemplateIndex newIndex(int dimension) {
        return new QuantizedIndex(dimension, QuantizedIndex.DEFAULT_OVERSAMPLE,
                IndexOptions.builder().optThreads(3).optParallelThreshold(0).build(), true, 0);
    }
}
