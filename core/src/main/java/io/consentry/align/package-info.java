/** Where the descriptor crop comes from: face-api.js's landmark-based box. */
package io.consentry.align;
