/** The 68-point landmark net and the five alignment points derived from it. */
package io.consentry.landmark;
