/** Decoding untrusted image files into 8-bit RGB rasters, with size limits and EXIF orientation. */
package io.consentry.image;
