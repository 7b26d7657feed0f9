/**
 * The SPI of the agent memory manager.
 */
@Export
@Version("1.1.0")
package aios.kernel.api.memory;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
