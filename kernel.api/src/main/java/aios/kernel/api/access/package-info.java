/**
 * The SPI that decides who may call what ({@link aios.kernel.api.access.AccessPolicy}), and the API tokens that say
 * who is calling ({@link aios.kernel.api.access.Tokens}).
 */
@Export
@Version("1.1.0")
package aios.kernel.api.access;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
