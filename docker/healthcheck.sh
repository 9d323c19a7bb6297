#!/bin/sh
# Container health check: exit 0 iff the node's gRPC health service reports SERVING (see HealthProbe.java).
# A small heap and C1 only keep this short-lived JVM cheap; it runs every few seconds.
exec java -Xmx48m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
  -cp "/opt/shardraft/healthprobe.jar:/opt/shardraft/lib/*" HealthProbe "$@"
