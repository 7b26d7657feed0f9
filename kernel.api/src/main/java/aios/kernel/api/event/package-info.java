/**
 * Event Admin topics the kernel publishes and the property keys they carry.
 */
@Export
@Version("1.4.0")
package aios.kernel.api.event;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
