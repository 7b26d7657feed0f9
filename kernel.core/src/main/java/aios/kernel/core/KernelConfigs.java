package aios.kernel.core;

import java.lang.reflect.Proxy;
import java.util.Map;

/** Builds {@link KernelConfig} values outside Declarative Services: its defaults, optionally overridden. */
final class KernelConfigs {

    private KernelConfigs() {
    }

    /** The configuration's declared defaults, overridden by {@code overrides} (keys as in {@code aios.kernel.cfg}). */
    static KernelConfig of(Map<String, Object> overrides) {
        return (KernelConfig) Proxy.newProxyInstance(KernelConfig.class.getClassLoader(),
                new Class<?>[] {KernelConfig.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "annotationType" -> KernelConfig.class;
                    case "toString" -> "aios.kernel " + overrides;
                    case "hashCode" -> overrides.hashCode();
                    case "equals" -> proxy == args[0];
                    default -> overrides.getOrDefault(method.getName().replace('_', '.'), method.getDefaultValue());
                });
    }
}
