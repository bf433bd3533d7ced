package io.consentry.search;

/** The {@link TemplateIndexContract} for {@link FlatIndex}, with the parallel scan on from the first row. */
class FlatIndexContractTest extends TemplateIndexContract {

    @Override
    protected TemplateIndex newIndex(int dimension) {
        return new FlatIndex(dimension, IndexOptions.builder().optThreads(3).optParallelThreshold(0).build());
    }
}
