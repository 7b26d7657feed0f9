/**
 * The SPI of the storage manager and of what else it keeps durably: the note store it offers the memory manager,
 * the task history the kernel acknowledges syscalls through, and the archive of agents' context snapshots.
 */
@Export
@Version("1.2.0")
package aios.kernel.api.storage;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
