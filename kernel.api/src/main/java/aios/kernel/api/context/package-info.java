/**
 * The context SPI: each agent's context (its conversation, generation snapshots and resource usage), the
 * resource limits the kernel enforces on every syscall, and snapshots that outlive the process.
 */
@Export
@Version("1.0.0")
package aios.kernel.api.context;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
