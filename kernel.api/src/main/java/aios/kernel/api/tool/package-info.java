/**
 * The SPI of tools.
 */
@Export
@Version("1.0.0")
package aios.kernel.api.tool;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
