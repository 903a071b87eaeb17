/// The cluster store as the agent uses it, parsed from `cluster-store`, `cluster-advertise` and
/// `cluster-store-opts` (see ``AgentConfiguration/clusterSettings()``).
public struct ClusterSettings: Sendable, Equatable {
    /// One etcd client endpoint.
    public struct Endpoint: Sendable, Equatable, CustomStringConvertible {
        public var host: String
        public var port: Int

        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        public var description: String { "\(host):\(port)" }
    }

    /// The certificate files of `cluster-store-opts`; with any of them the store is spoken to over TLS.
    public struct TLSFiles: Sendable, Equatable {
        /// The CA the store's certificate must chain to (nil: the system's roots).
        public var caFile: String?
        /// The client certificate and its key, presented to the store (both or neither).
        public var certFile: String?
        public var keyFile: String?

        public init(caFile: String? = nil, certFile: String? = nil, keyFile: String? = nil) {
            self.caFile = caFile
            self.certFile = certFile
            self.keyFile = keyFile
        }
    }

    /// `cluster-store` as configured (what `/info` reports as `ClusterStore`).
    public var store: String
    /// The etcd endpoints, tried in order.
    public var endpoints: [Endpoint]
    /// `cluster-advertise` resolved to `IP:port` (an interface replaced by its IPv4 address), nil when not set.
    public var advertise: String?
    /// TLS to the store, nil for plain HTTP.
    public var tls: TLSFiles?

    public init(store: String, endpoints: [Endpoint], advertise: String? = nil, tls: TLSFiles? = nil) {
        self.store = store
        self.endpoints = endpoints
        self.advertise = advertise
        self.tls = tls
    }

    /// `http://` or `https://` and the endpoints, for messages.
    public var endpointsDescription: String {
        (tls == nil ? "http://" : "https://") + endpoints.map(\.description).joined(separator: ",")
    }
}
