/**
 * The kernel as its users see it: register agents, submit syscalls, follow their handles, inspect queues.
 */
@Export
@Version("1.3.0")
package aios.kernel.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
