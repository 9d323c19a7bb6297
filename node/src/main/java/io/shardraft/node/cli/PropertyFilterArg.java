package io.shardraft.node.cli;

/** {@code --filter name=value}: equality on a top-level property; {@code valueJson} is compact JSON text. */
record PropertyFilterArg(String property, String valueJson) {
}
