package io.shardraft.node.cli;

import io.shardraft.api.v1.ItemResult;

/** The reading of one write's item result: success, or the one error line the CLI prints. */
final class WriteOutcome {

    private WriteOutcome() {
    }

    /** Throws unless the item was written. */
    static void require(ItemResult result, String index, String id) {
        String detail = result.getMessage().isEmpty() ? "" : ": " + result.getMessage();
        switch (result.getStatus()) {
            case ITEM_OK -> {
            }
            case ITEM_NOT_FOUND -> throw new CliException("object " + id + " does not exist in index '" + index + "'");
            case ITEM_CONFLICT -> throw new CliException("object " + id + " has another version (conflict" + detail + ")");
            case ITEM_REJECTED -> throw new CliException("object " + id + " was rejected" + detail);
            case ITEM_FAILED -> throw new CliException("object " + id + " could not be written" + detail);
            default -> throw new CliException("object " + id + ": unexpected result " + result.getStatus() + detail);
        }
    }
}
