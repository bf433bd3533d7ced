/** Model packs: manifest, verification, and the installer that builds the default pack from npm. */
package io.consentry.pack;
