/** Face detectors (face-api.js SSD MobileNet V1, YuNet) behind one interface, and model-layout routing. */
package io.consentry.detect;
