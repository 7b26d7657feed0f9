/**
 * Agent processes: the {@link aios.kernel.api.agent.AgentRunner} runs installed agents, each submitted run on its own
 * thread as a process with an id, a status, a result and timings. The shell and the HTTP API start, list, wait for and
 * kill processes through it; agents themselves are written with the SDK ({@code aios.sdk}).
 */
@Export
@Version("1.0.0")
package aios.kernel.api.agent;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
