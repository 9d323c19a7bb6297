import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.util.concurrent.TimeUnit;

/**
 * The container health check: asks the node's gRPC health service (grpc.health.v1, overall service
 * "") whether it is SERVING — the node's readiness contract — and exits 0 if so, 1 otherwise.
 * It does what grpc_health_probe does, built from the node's own runtime classpath so the image
 * needs no extra download.
 *
 * <p>Usage: {@code HealthProbe [host:port]}; default {@code 127.0.0.1:$SHARDRAFT_NODE_CLIENT_PORT}.
 */
public final class HealthProbe {
    public static void main(String[] args) throws InterruptedException {
        String target;
        if (args.length > 0) {
            target = args[0];
        } else {
            String port = System.getenv("SHARDRAFT_NODE_CLIENT_PORT");
            if (port == null || port.isBlank()) {
                System.err.println("health: SHARDRAFT_NODE_CLIENT_PORT is not set and no host:port was given");
                System.exit(1);
            }
            target = "127.0.0.1:" + port.trim();
        }
        ManagedChannel channel = ManagedChannelBuilder.forTarget(target).usePlaintext().build();
        int exit = 1;
        try {
            HealthCheckResponse.ServingStatus status = HealthGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(3, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.newBuilder().setService("").build())
                    .getStatus();
            System.out.println("health: " + target + " " + status);
            exit = status == HealthCheckResponse.ServingStatus.SERVING ? 0 : 1;
        } catch (StatusRuntimeException e) {
            System.out.println("health: " + target + " " + e.getStatus().getCode() + " "
                    + (e.getStatus().getDescription() == null ? "" : e.getStatus().getDescription()));
        } finally {
            channel.shutdownNow().awaitTermination(1, TimeUnit.SECONDS);
        }
        System.exit(exit);
    }
}
