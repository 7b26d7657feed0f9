/**
 * The SPI of the storage manager.
 */
@Export
@Version("1.0.0")
package aios.kernel.api.storage;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
