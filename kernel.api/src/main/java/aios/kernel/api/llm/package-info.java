/**
 * The SPI of model backends.
 */
@Export
@Version("1.0.0")
package aios.kernel.api.llm;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
