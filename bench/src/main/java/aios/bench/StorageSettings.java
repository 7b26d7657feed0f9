package aios.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Dictionary;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * Where the storage manager keeps its database and how many events its collector writes per transaction, as it
 * runs: its configuration (PID {@value #PID}) where set, else the defaults its metatype declares. The bench reads
 * them there rather than from the storage bundle's classes, which it must not import.
 *
 * @param database the database file, absolute
 * @param batch the collector's most events per transaction ({@code collector.batch})
 * @param checkpointPages the WAL's size in pages at which a commit checkpoints it ({@code wal.autocheckpoint.pages})
 */
record StorageSettings(Path database, int batch, int checkpointPages) {

    static final String PID = "aios.storage";
    private static final String PATH = "path";
    private static final String BATCH = "collector.batch";
    private static final String CHECKPOINT = "wal.autocheckpoint.pages";

    static StorageSettings of(BundleContext context, ConfigurationAdmin configurations, MetaTypeService metatype)
            throws IOException, InvalidSyntaxException {
        ObjectClassDefinition ocd = definition(context, metatype);
        Dictionary<String, Object> configured = null;
        Configuration[] found = configurations.listConfigurations("(" + org.osgi.framework.Constants.SERVICE_PID
                + "=" + PID + ")");
        if (found != null && found.length > 0) {
            configured = found[0].getProperties();
        }
        String path = value(configured, ocd, PATH);
        String batch = value(configured, ocd, BATCH);
        String checkpoint = value(configured, ocd, CHECKPOINT);
        Path file;
        if (path.isBlank()) {
            // the storage manager's rule for an empty path: storage.db in the kernel's data directory
            String data = context.getProperty("aios.data");
            file = Path.of(data == null ? "data" : data).resolve("storage.db");
        } else {
            file = Path.of(path);
        }
        return new StorageSettings(file.toAbsolutePath(), number(BATCH, batch), number(CHECKPOINT, checkpoint));
    }

    private static int number(String key, String value) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalStateException(key + " of " + PID + " is '" + value + "', not a number: fix the "
                    + "configuration (conf/" + PID + ".cfg)", e);
        }
    }

    private static ObjectClassDefinition definition(BundleContext context, MetaTypeService metatype) {
        for (Bundle b : context.getBundles()) {
            MetaTypeInformation info = metatype.getMetaTypeInformation(b);
            if (info != null && Arrays.asList(info.getPids()).contains(PID)) {
                return info.getObjectClassDefinition(PID, null);
            }
        }
        throw new IllegalStateException("no bundle declares the configuration " + PID + " in its metatype: is the "
                + "storage manager (aios.manager.storage) installed and active? (lb in the shell lists the bundles)");
    }

    private static String value(Dictionary<String, Object> configured, ObjectClassDefinition ocd, String key) {
        Object v = configured == null ? null : configured.get(key);
        if (v != null) {
            return v.toString();
        }
        for (AttributeDefinition a : ocd.getAttributeDefinitions(ObjectClassDefinition.ALL)) {
            if (a.getID().equals(key)) {
                String[] defaults = a.getDefaultValue();
                return defaults == null || defaults.length == 0 ? "" : defaults[0];
            }
        }
        throw new IllegalStateException("the metatype of " + PID + " has no attribute " + key + ": this bench was "
                + "written for a storage manager that has one; update the bench along with the storage manager");
    }
}
