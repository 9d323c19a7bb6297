package io.shardraft.bench;

import com.google.common.base.Preconditions;

/** A node's client (gRPC) address. */
record Address(String host, int port) {

    Address {
        Preconditions.checkArgument(host != null && !host.isBlank(), "host must not be empty");
        Preconditions.checkArgument(port > 0 && port < 65536, "port %s out of range 1..65535", port);
    }

    /** Parses {@code host:port} ({@code [v6addr]:port} for IPv6). */
    static Address parse(String text) {
        int colon = text == null ? -1 : text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("expected host:port, got '" + text + "'");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            return new Address(host, Integer.parseInt(text.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected host:port, got '" + text + "'");
        }
    }

    @Override
    public String toString() {
        return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }
}
