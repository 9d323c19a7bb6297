package io.shardraft.cluster.data;

/**
 * Process-wide settings JRaft's transport (SOFABolt) reads once, when its classes load.
 * SOFABolt's logging bridge (sofa-common-tools 1.4) calls a Log4j2 SLF4J constructor that current
 * Log4j2 no longer has and would fail to initialise; its private "middleware" log space is switched
 * off instead, unless the operator set the property explicitly. JRaft's own logging (SLF4J → Log4j2) is
 * unaffected.
 */
final class JRaftEnvironment {
    static final String SOFA_LOG_DISABLE = "sofa.middleware.log.disable";

    private JRaftEnvironment() {
    }

    static void prepare() {
        if (System.getProperty(SOFA_LOG_DISABLE) == null) {
            System.setProperty(SOFA_LOG_DISABLE, "true");
        }
    }
}
