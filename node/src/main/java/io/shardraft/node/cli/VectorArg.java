package io.shardraft.node.cli;

/**
 * A {@code --vector v1,v2,...} argument. A wrapper rather than a bare {@code float[]} field: picocli
 * treats array fields as repeatable options and would convert element by element.
 */
record VectorArg(float[] values) {
}
