package aios.manager.access;

import aios.kernel.api.AgentInfo;
import aios.kernel.api.Kernel;
import aios.kernel.api.access.AccessDecision;
import aios.kernel.api.access.AccessPolicy;
import aios.kernel.api.access.Principal;
import aios.kernel.api.access.Tokens;
import aios.kernel.api.storage.StorageManager;
import aios.kernel.api.syscall.StorageOperation;
import aios.kernel.api.syscall.StorageQuery;
import aios.kernel.api.syscall.Syscall;
import aios.kernel.api.tool.ToolDescriptor;
import aios.kernel.api.tool.ToolManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Predicate;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The access manager: the kernel's {@link AccessPolicy} by the {@link AccessList} and {@link AccessRules}, the
 * {@link PendingApprovals} of irreversible operations, and the {@link Tokens} service. Whether a tool is reversible
 * it learns from the {@link ToolManager}; whether a write overwrites a file, from the {@link StorageManager}.
 *
 * <p>{@link #check} reads an immutable access list and answers at once; whatever needs an operator or a look at the
 * storage (does a write overwrite a file?) is answered pending, and decided on other threads.
 *
 * <p>A damaged file fails closed: while {@code acl.txt} cannot be read every syscall is denied with the file's name and
 * fault, and while {@code tokens.txt} cannot be read no token authenticates; {@code acl:reload} reads them again.
 */
@Component(service = {AccessPolicy.class, Tokens.class, AccessManager.class}, configurationPid = AccessManager.PID,
        immediate = true, property = "service.ranking:Integer=0")
@Designate(ocd = AccessConfig.class)
public final class AccessManager implements AccessPolicy, Tokens {

    static final String PID = "aios.access";
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(300);

    // Taken on first use, not at activation: the kernel binds this policy as it activates (see manager.context).
    @Reference
    private ComponentServiceObjects<Kernel> kernelService;
    private volatile Kernel kernelInstance;

    @Reference(service = LoggerFactory.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC)
    private volatile Logger log;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile StorageManager storage;

    /** Which tools are installed and whether each is reversible. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile ToolManager tools;
    private final Object changes = new Object();
    private Predicate<String> registered;
    private String data;
    private volatile Path directory;
    private volatile AccessList acl = AccessList.initial();
    /** Why acl.txt cannot be used, or {@code null}. */
    private volatile String aclDamage;
    private volatile ApiTokens tokens;
    private volatile String tokensDamage;
    private ScheduledExecutorService timer;
    private PendingApprovals approvals;

    /** For DS. */
    public AccessManager() {
    }

    /** For tests: files in {@code directory}, registered agents by {@code registered}. */
    AccessManager(Path directory, Duration timeout, Predicate<String> registered) {
        start(directory, timeout, registered);
    }

    @Activate
    void activate(BundleContext bundle, AccessConfig config) {
        this.data = bundle.getProperty("aios.data");
        start(directoryOf(config), timeoutOf(config), this::registeredWithKernel);
    }

    private Path directoryOf(AccessConfig config) {
        return (config.directory().isBlank() ? Path.of(data == null ? "data" : data).resolve("access")
                : Path.of(config.directory())).toAbsolutePath().normalize();
    }

    private void start(Path dir, Duration timeout, Predicate<String> registered) {
        this.registered = registered;
        this.directory = dir.toAbsolutePath().normalize();
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon(true)
                .name("aios-access-approvals").factory());
        this.approvals = new PendingApprovals(timer, Clock.systemUTC(), timeout);
        reload();
    }

    @Modified
    void modified(AccessConfig config) {
        approvals.timeout(timeoutOf(config)); // for approvals from now on
        Path dir = directoryOf(config);
        if (!dir.equals(directory)) {
            synchronized (changes) {
                directory = dir;
                reload();
            }
        }
    }

    @Deactivate
    void deactivate() {
        approvals.denyAll("the access manager stopped before an operator decided");
        timer.shutdownNow();
        Kernel k = kernelInstance;
        if (k != null) {
            kernelInstance = null;
            kernelService.ungetService(k);
        }
    }

    /** A bad value must not take access control down (the kernel's built-in rule would apply): the default is used. */
    private Duration timeoutOf(AccessConfig config) {
        if (config.approval_timeout_seconds() < 1) {
            Logger l = log;
            if (l != null) {
                l.error("approval.timeout.seconds={} in {} is not accepted: use a number of seconds >= 1; approvals"
                        + " time out after the default {} s until it is corrected", config.approval_timeout_seconds(),
                        PID, DEFAULT_TIMEOUT.toSeconds());
            }
            return DEFAULT_TIMEOUT;
        }
        return Duration.ofSeconds(config.approval_timeout_seconds());
    }

    /**
     * Reads both files again. A file that cannot be read puts its part in the failed-closed state (and says so in the
     * log); a file that can ends that state.
     *
     * @return the problems found, empty if none
     */
    List<String> reload() {
        synchronized (changes) {
            Path aclFile = directory.resolve(AccessListFile.NAME);
            try {
                acl = AccessListFile.read(aclFile);
                aclDamage = null;
            } catch (DamagedFileException e) {
                aclDamage = e.getMessage();
            } catch (IOException e) {
                aclDamage = "cannot read " + aclFile + ": " + e.getMessage() + "; fix the file or its permissions and"
                        + " run acl:reload";
            }
            Path tokenFile = directory.resolve(ApiTokens.NAME);
            try {
                tokens = new ApiTokens(tokenFile, this::known);
                tokensDamage = null;
            } catch (DamagedFileException e) {
                tokens = null;
                tokensDamage = e.getMessage();
            } catch (IOException e) {
                tokens = null;
                tokensDamage = "cannot read " + tokenFile + ": " + e.getMessage() + "; fix the file or its permissions"
                        + " and run acl:reload";
            }
            List<String> problems = java.util.stream.Stream.of(aclDamage, tokensDamage)
                    .filter(java.util.Objects::nonNull).toList();
            Logger l = log;
            if (l != null) {
                if (aclDamage != null) {
                    l.error("access control is refusing every syscall: {}", aclDamage);
                }
                if (tokensDamage != null) {
                    l.error("no API token authenticates: {}", tokensDamage);
                }
            }
            return problems;
        }
    }

    Path directory() {
        return directory;
    }

    // ---------------------------------------------------------------- AccessPolicy

    @Override
    public AccessDecision check(Syscall call) {
        String damage = aclDamage;
        if (damage != null) {
            return AccessDecision.deny("access control cannot read its access list, so every syscall is refused: "
                    + damage);
        }
        AccessRules.Verdict v = AccessRules.check(acl.effective(call.agent()), call, this::irreversibleTool);
        return switch (v) {
            case AccessRules.Allow a -> AccessDecision.allow();
            case AccessRules.Deny d -> AccessDecision.deny(d.reason());
            case AccessRules.Approve a -> approvals.request(call.agent(), call.kind(), a.what(), a.because());
            case AccessRules.ApproveIfOverwrite w -> approveIfOverwrite(call, w);
        };
    }

    /** A tool that is not installed (or no tool manager) counts as irreversible: nobody can say it is not. */
    private boolean irreversibleTool(String name) {
        ToolManager tm = tools;
        return tm == null || tm.tool(name).map(t -> !t.reversible()).orElse(true);
    }

    /**
     * A write waits for an operator only if it overwrites a file. Whether it does needs a look at the storage, which
     * may wait for a database connection: that look runs on a thread of its own, and the write is held meanwhile
     * without an approval id (nobody is asked unless it does overwrite).
     */
    private AccessDecision approveIfOverwrite(Syscall call, AccessRules.ApproveIfOverwrite w) {
        CompletableFuture<AccessDecision> outcome = new CompletableFuture<>();
        OverwriteCheck check = new OverwriteCheck();
        StorageManager sm = storage;
        Thread.ofVirtual().name("aios-access-overwrite-check").start(() -> {
            boolean overwrite = exists(sm, call.agent(), w.parent(), w.name());
            synchronized (check) {
                if (check.withdrawn) {
                    return;
                }
                AccessDecision d = overwrite
                        ? approvals.request(call.agent(), call.kind(), w.what(), w.because())
                        : AccessDecision.allow();
                check.asked = d.pending();
                outcome.complete(d);
            }
        });
        return AccessDecision.pending("writing '" + w.parent() + (w.parent().isEmpty() ? "" : "/") + w.name()
                + "' waits while access control checks whether it would overwrite a file (agent '" + call.agent()
                + "' has approve:irreversible)", new AccessDecision.Pending(null, outcome, check::withdraw));
    }

    /** A withdrawal may come while the look at the storage runs, or after it asked an operator. */
    private static final class OverwriteCheck {
        boolean withdrawn;
        AccessDecision.Pending asked;

        synchronized void withdraw() {
            withdrawn = true;
            if (asked != null) {
                asked.withdraw().run();
            }
        }
    }

    /** Whether {@code parent/name} is a file; when it cannot be told, it is taken to be one (an operator decides). */
    private static boolean exists(StorageManager sm, String agent, String parent, String name) {
        if (sm == null) {
            return true;
        }
        try {
            List<String> entries = sm.execute(new StorageQuery(agent, new StorageOperation.List(parent))).entries();
            return entries.contains(name);
        } catch (IllegalArgumentException e) {
            return false; // no such directory: the write creates the file
        } catch (Exception e) {
            return true;
        }
    }

    // ---------------------------------------------------------------- Tokens

    @Override
    public Optional<Principal> authenticate(String token) {
        ApiTokens t = tokens;
        return t == null ? Optional.empty() : t.authenticate(token);
    }

    @Override
    public Issued issue(Principal principal) {
        Issued issued = liveTokens().issue(principal);
        info("API token {} issued for {}", issued.info().id(), principal);
        return issued;
    }

    @Override
    public boolean revoke(String id) {
        boolean revoked = liveTokens().revoke(id);
        if (revoked) {
            info("API token {} revoked", id);
        }
        return revoked;
    }

    @Override
    public List<Info> list() {
        return liveTokens().list();
    }

    private ApiTokens liveTokens() {
        ApiTokens t = tokens;
        if (t == null) {
            throw new IllegalStateException("API tokens are unavailable: " + tokensDamage);
        }
        return t;
    }

    // ---------------------------------------------------------------- the access list, for the commands

    AccessList accessList() {
        String damage = aclDamage;
        if (damage != null) {
            throw new IllegalStateException("the access list cannot be used: " + damage);
        }
        return acl;
    }

    /**
     * Grants and saves; nothing changes if the input is bad or the file cannot be written.
     *
     * @see AccessList#grant
     */
    AccessList grant(String subject, List<String> items) {
        return change(subject, items, true);
    }

    /** @see AccessList#revoke */
    AccessList revoke(String subject, List<String> items) {
        return change(subject, items, false);
    }

    private AccessList change(String subject, List<String> items, boolean grant) {
        synchronized (changes) {
            AccessList old = accessList();
            if (!subject.startsWith("@")) {
                requireKnown(AccessList.agentName(subject));
            }
            AccessList next = grant ? old.grant(subject, items) : old.revoke(subject, items);
            Path file = directory.resolve(AccessListFile.NAME);
            try {
                AccessListFile.write(file, next);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the access list " + file + ": " + e.getMessage()
                        + "; nothing changed", e);
            }
            acl = next;
            info("acl:{} {} {}", grant ? "grant" : "revoke", subject, String.join(" ", items));
            return next;
        }
    }

    /** Registered with the kernel now, or in the access list. */
    boolean known(String agent) {
        return registered.test(agent) || acl.hasEntry(agent);
    }

    boolean registered(String agent) {
        return registered.test(agent);
    }

    void requireKnown(String agent) {
        if (!known(agent)) {
            throw new IllegalArgumentException("agent '" + agent + "' is not registered and has no grants: check the"
                    + " name (aios:ps lists registered agents), or register it first (aios:register " + agent + ")");
        }
    }

    PendingApprovals approvals() {
        return approvals;
    }

    PendingApprovals.Approval approve(String id) {
        PendingApprovals.Approval a = approvals.approve(id);
        info("approval {} approved: {} for agent {}", id, a.what(), a.agent());
        return a;
    }

    PendingApprovals.Approval deny(String id, String why) {
        PendingApprovals.Approval a = approvals.deny(id, why);
        info("approval {} denied: {} for agent {}", id, a.what(), a.agent());
        return a;
    }

    /** Installed tools that are not reversible, by name. */
    List<String> irreversibleTools() {
        ToolManager tm = tools;
        return tm == null ? List.of() : tm.tools().stream().filter(t -> !t.reversible()).map(ToolDescriptor::name)
                .toList();
    }

    private void info(String format, Object... args) {
        Logger l = log;
        if (l != null) {
            l.info(format, args);
        }
    }

    // ---------------------------------------------------------------- services

    private boolean registeredWithKernel(String agent) {
        return kernel().agents().stream().map(AgentInfo::name).anyMatch(agent::equals);
    }

    private Kernel kernel() {
        Kernel k = kernelInstance;
        if (k == null) {
            synchronized (this) {
                k = kernelInstance;
                if (k == null) {
                    k = kernelInstance = kernelService.getService();
                }
            }
        }
        return k;
    }
}
