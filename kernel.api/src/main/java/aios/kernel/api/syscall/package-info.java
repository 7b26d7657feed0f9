/**
 * The four syscall kinds (LLM, memory, storage, tool) as records under one sealed interface, and their results.
 */
@Export
@Version("1.3.0")
package aios.kernel.api.syscall;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
