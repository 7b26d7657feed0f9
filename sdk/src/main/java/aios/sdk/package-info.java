/**
 * The Java agent SDK. An {@link aios.sdk.Agent} is a service; the agent runtime runs it as a process and hands it an
 * {@link aios.sdk.AgentSession} whose four modules make syscalls as the agent: {@link aios.sdk.Planning} (the model),
 * {@link aios.sdk.Action} (tools), {@link aios.sdk.Memory} (notes) and {@link aios.sdk.Storage} (files). Every call
 * blocks until its syscall has run and is exactly one syscall.
 */
@Export
@Version("1.0.0")
package aios.sdk;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
