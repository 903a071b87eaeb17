import BerthCore
import BerthHTTP
import BerthMachine

/// Asks an etcd member's JSON gateway over mutual TLS with the controller's EtcdClient (libcurl).
struct CurlEtcdProbe: EtcdProbe {
    func client(_ endpoint: String, _ tls: ClientTLSFiles, _ timeout: Double) -> EtcdClient {
        EtcdClient(endpoint: endpoint, tls: TLSClientFiles(caPath: tls.caPath, certPath: tls.certPath, keyPath: tls.keyPath),
                   timeout: timeout)
    }

    func status(endpoint: String, tls: ClientTLSFiles, timeout: Double) throws -> EtcdGateway.Status {
        try client(endpoint, tls, timeout).status()
    }

    func members(endpoint: String, tls: ClientTLSFiles, timeout: Double) throws -> [EtcdGateway.Member] {
        try client(endpoint, tls, timeout).members()
    }
}
