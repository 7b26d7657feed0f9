/**
 * The SPI of the storage manager, the durable note store it offers the memory manager, and the durable task
 * history the kernel acknowledges syscalls through.
 */
@Export
@Version("1.1.0")
package aios.kernel.api.storage;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
