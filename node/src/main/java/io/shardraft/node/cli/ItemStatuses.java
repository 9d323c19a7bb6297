package io.shardraft.node.cli;

import io.shardraft.api.v1.ItemStatus;
import java.util.Locale;

/** Short names of per-item write outcomes ({@code ok}, {@code not_found}, ...). */
final class ItemStatuses {

    private ItemStatuses() {
    }

    static String name(ItemStatus status) {
        return switch (status) {
            case ITEM_OK -> "ok";
            case ITEM_NOT_FOUND -> "not_found";
            case ITEM_CONFLICT -> "conflict";
            case ITEM_REJECTED -> "rejected";
            case ITEM_FAILED -> "failed";
            default -> status.name().toLowerCase(Locale.ROOT);
        };
    }
}
