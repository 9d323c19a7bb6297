# syntax=docker/dockerfile:1
# One shardraft node. Build: docker build -t shardraft-node .
# Configuration: /etc/shardraft/node.properties (docker/node.properties) overridden by SHARDRAFT_* environment
# variables, e.g. SHARDRAFT_NODE_ID, SHARDRAFT_CLUSTER_PEERS; docker-compose-raft.yml sets them for three nodes.

# --- build: the node jar and its runtime classpath (node/target/node.jar + node/target/lib/*.jar) ---
FROM maven:3-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY grpc-api grpc-api
COPY cluster-data cluster-data
COPY db-adapter db-adapter
COPY node node
# The cache mount keeps ~/.m2 between builds (BuildKit); it is not part of any image layer.
RUN --mount=type=cache,target=/root/.m2 mvn -B -ntp -pl node -am package -DskipTests
# The health probe (docker/HealthProbe.java) is compiled against the same runtime classpath.
COPY docker/HealthProbe.java /src/docker/
RUN mkdir -p /src/probe \
 && javac -d /src/probe -cp "node/target/lib/*" docker/HealthProbe.java \
 && jar cf /src/healthprobe.jar -C /src/probe .

# --- run ---
FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 shardraft \
 && useradd --system --uid 10001 --gid shardraft --home-dir /var/lib/shardraft shardraft \
 && mkdir -p /var/lib/shardraft /etc/shardraft \
 && chown shardraft:shardraft /var/lib/shardraft
WORKDIR /opt/shardraft
COPY --from=build /src/node/target/lib/ /opt/shardraft/lib/
COPY --from=build /src/node/target/node.jar /opt/shardraft/node.jar
COPY --from=build /src/healthprobe.jar /opt/shardraft/healthprobe.jar
COPY docker/healthcheck.sh /usr/local/bin/shardraft-healthcheck
COPY docker/node.properties /etc/shardraft/node.properties
# A named volume mounted here starts out owned by the shardraft user (Docker copies the directory's ownership).
VOLUME /var/lib/shardraft
USER shardraft

# Health = the node's readiness contract: its gRPC health service (grpc.health.v1) answers SERVING on
# 127.0.0.1:$SHARDRAFT_NODE_CLIENT_PORT. grpc_health_probe is a separate download, so the image carries a
# 50-line Java equivalent (docker/HealthProbe.java). It costs a short JVM start per check, hence the 10 s
# interval. It says the node's gRPC server is up, not that the cluster has a quorum: use `shardraft status`.
HEALTHCHECK --interval=10s --timeout=8s --start-period=60s --retries=3 CMD ["shardraft-healthcheck"]

# SOFAJRaft takes SIGUSR2, HotSpot's thread suspend signal; move HotSpot's elsewhere (io.shardraft.node.JvmSignals).
ENV _JAVA_SR_SIGNUM=40
# Exec form: java is PID 1 and gets SIGTERM from `docker stop`, which shuts the node down cleanly.
# JVM flags: set JAVA_TOOL_OPTIONS (e.g. -XX:MaxRAMPercentage=75).
ENTRYPOINT ["java", "-cp", "/opt/shardraft/node.jar:/opt/shardraft/lib/*", "io.shardraft.node.NodeMain", "--config", "/etc/shardraft/node.properties"]
