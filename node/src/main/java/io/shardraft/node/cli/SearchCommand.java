package io.shardraft.node.cli;

import io.shardraft.api.v1.SearchHitMessage;
import io.shardraft.api.v1.SearchRequest;
import io.shardraft.api.v1.SearchResponse;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code shardraft search NAME --vector ... --k 10 [--filter prop=json]}: nearest neighbours. */
@Command(name = "search", description = "Find the k objects nearest to a vector.")
final class SearchCommand extends CliCommand {

    private static final int PROPERTIES_WIDTH = 80;

    @Parameters(index = "0", paramLabel = "NAME", description = "Index name.")
    String index;

    @Option(names = "--vector", required = true, paramLabel = "V1,V2,...", converter = ArgConverters.VectorConverter.class)
    VectorArg vector;

    @Option(names = "--k", paramLabel = "K", defaultValue = "10", description = "Number of hits (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--filter", paramLabel = "PROP=JSON", converter = ArgConverters.FilterConverter.class,
            description = "Only objects whose top-level property equals the JSON value, e.g. color='\"red\"' or n=3.")
    PropertyFilterArg filter;

    @Mixin
    ConsistencyOption consistency;

    @Override
    int run() {
        if (k < 1 || k > 10_000) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--k must be between 1 and 10000, got " + k);
        }
        SearchRequest.Builder request = SearchRequest.newBuilder().setIndex(index)
                .setVector(ObjectCommands.vector(vector.values())).setK(k).setConsistency(consistency.level);
        if (filter != null) {
            request.setFilterProperty(filter.property()).setFilterValueJson(filter.valueJson());
        }
        SearchResponse response = connect().objects().search(request.build());
        if (options.json) {
            printJson(CliJson.searchHits(response));
            return 0;
        }
        if (response.getHitsCount() == 0) {
            out().println("no hits");
            return 0;
        }
        TextTable table = new TextTable("RANK", "DISTANCE", "ID", "PROPERTIES");
        int rank = 1;
        for (SearchHitMessage hit : response.getHitsList()) {
            String props = CliJson.write(CliJson.properties(hit.getObject().getPropertiesJson()));
            if (props.length() > PROPERTIES_WIDTH) {
                props = props.substring(0, PROPERTIES_WIDTH - 3) + "...";
            }
            table.row(rank++, String.format(Locale.ROOT, "%.6f", hit.getDistance()), hit.getObject().getId(), props);
        }
        table.print(out());
        return 0;
    }
}
