import BerthCore
import Logging

/// The lifecycle of the embedded DNS servers: one per user network that resolves names, started when the
/// network comes up on this agent and stopped when it is removed.
struct EmbeddedDNS {
    private var servers: [String: DNSServer] = [:]

    /// Starts `network`'s server on its gateway address unless it runs already; failures are logged, since the
    /// network works without names.
    mutating func start(for network: NetworkRecord, namespace: String? = nil, logger: Logger,
                        lookup: @escaping DNSServer.Lookup) {
        guard network.resolvesNames, let gateway = network.pool?.gateway, servers[network.id] == nil else { return }
        do {
            servers[network.id] = try DNSServer.start(address: gateway, namespace: namespace, lookup: lookup)
        } catch {
            logger.error("cannot start DNS server", metadata: ["network": "\(network.name)", "error": "\(error)"])
        }
    }

    mutating func stop(networkID: String) { servers.removeValue(forKey: networkID)?.stop() }
}
