/**
 * The queue discipline SPI: a {@link aios.kernel.api.scheduling.SchedulingPolicy} orders the waiting tasks of one resource.
 */
@Export
@Version("1.0.0")
package aios.kernel.api.scheduling;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
