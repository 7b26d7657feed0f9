/**
 * The SPI of the storage manager, and the durable note store it offers the memory manager.
 */
@Export
@Version("1.1.0")
package aios.kernel.api.storage;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
