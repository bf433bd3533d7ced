/** The {@code consentry} command line (picocli). */
package io.consentry.cli;
