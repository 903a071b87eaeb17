import BerthCore
import BerthHTTP
import BerthMachine
import Foundation

/// Asks an agent `GET /version` over mutual TLS with libcurl.
struct CurlAgentProbe: AgentProbe {
    func health(host: String, port: Int, tls: ClientTLSFiles, timeout: Double) -> AgentHealth {
        let client = HTTPSClient(tls: TLSClientFiles(caPath: tls.caPath, certPath: tls.certPath, keyPath: tls.keyPath),
                                 timeout: timeout, connectTimeout: min(timeout, 5))
        let hostPart = host.contains(":") ? "[\(host)]" : host
        do {
            let r = try client.request(method: "GET", url: "https://\(hostPart):\(port)/version")
            guard r.status == 200 else { return .error("agent answered HTTP \(r.status)") }
            struct V: Decodable { var Version: String }
            let v = try JSONDecoder().decode(V.self, from: r.body)
            return .running(version: "v" + v.Version)
        } catch {
            let text = "\(error)"
            if text.contains("refused") { return .refused }
            if text.contains("timed out") || text.contains("timeout") { return .timeout }
            return .error(text)
        }
    }
}
