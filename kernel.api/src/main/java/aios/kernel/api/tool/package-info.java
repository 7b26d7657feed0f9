/**
 * The SPI of tools: {@link aios.kernel.api.tool.ToolService}, one per tool, and the
 * {@link aios.kernel.api.tool.ToolManager} that runs the kernel's tool calls against them.
 */
@Export
@Version("1.1.0")
package aios.kernel.api.tool;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
