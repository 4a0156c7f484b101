// The routing panel's app. Talks to the host only through src/protocol.
export {};
