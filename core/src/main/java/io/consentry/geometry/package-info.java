/** Boxes and points in image pixel coordinates (x right, y down, origin top-left). */
package io.consentry.geometry;
