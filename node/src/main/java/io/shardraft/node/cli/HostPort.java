package io.shardraft.node.cli;

import com.google.common.base.Preconditions;

/** A node's address as {@code host:port}. */
record HostPort(String host, int port) {

    HostPort {
        Preconditions.checkArgument(host != null && !host.isBlank(), "host must not be empty");
        Preconditions.checkArgument(port > 0 && port < 65536, "port %s out of range 1..65535", port);
    }

    /** Parses {@code host:port} ({@code [v6addr]:port} for IPv6). */
    static HostPort parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("expected host:port");
        }
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("expected host:port, got '" + text + "'");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected host:port, got '" + text + "'");
        }
        return new HostPort(host, port);
    }

    @Override
    public String toString() {
        return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }
}
