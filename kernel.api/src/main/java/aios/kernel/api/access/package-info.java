/**
 * The SPI that decides who may call what.
 */
@Export
@Version("1.0.0")
package aios.kernel.api.access;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
