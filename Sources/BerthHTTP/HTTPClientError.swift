/// Why a request got no HTTP response. Each prints as one line naming the URL and the cause.
public enum HTTPClientError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Nothing listens at the address (ECONNREFUSED).
    case connectionRefused(url: String)
    /// The TCP connection could not be made for another reason (unreachable, reset…).
    case connectionFailed(url: String, detail: String)
    /// No answer in time; `seconds` is the limit that ran out.
    case timedOut(url: String, seconds: Double)
    /// The host name does not resolve.
    case cannotResolve(url: String, detail: String)
    /// The TLS handshake failed or the server rejected this client (no or unknown client certificate).
    case tlsHandshakeFailed(url: String, detail: String)
    /// The server's certificate did not verify against the CA (wrong CA, wrong name or IP, expired).
    case certificateProblem(url: String, detail: String)
    /// A local file (CA, client certificate or key) could not be used.
    case localCertificateProblem(url: String, detail: String)
    /// The URL is not one libcurl can use.
    case invalidURL(url: String, detail: String)
    /// Any other transfer failure, with libcurl's code and message.
    case transfer(url: String, code: Int, detail: String)

    /// The URL that was requested.
    public var url: String {
        switch self {
        case .connectionRefused(let u), .connectionFailed(let u, _), .timedOut(let u, _), .cannotResolve(let u, _),
             .tlsHandshakeFailed(let u, _), .certificateProblem(let u, _), .localCertificateProblem(let u, _),
             .invalidURL(let u, _), .transfer(let u, _, _):
            return u
        }
    }

    public var description: String {
        switch self {
        case .connectionRefused(let u):
            return "\(u): connection refused"
        case .connectionFailed(let u, let d):
            return "\(u): cannot connect: \(d)"
        case .timedOut(let u, let s):
            return "\(u): timed out after \(HTTPClientError.seconds(s))"
        case .cannotResolve(let u, let d):
            return "\(u): cannot resolve host: \(d)"
        case .tlsHandshakeFailed(let u, let d):
            return "\(u): TLS handshake failed: \(d)"
        case .certificateProblem(let u, let d):
            return "\(u): certificate problem: \(d)"
        case .localCertificateProblem(let u, let d):
            return "\(u): cannot use client TLS files: \(d)"
        case .invalidURL(let u, let d):
            return "\(u): invalid URL: \(d)"
        case .transfer(let u, let code, let d):
            return "\(u): \(d) (curl error \(code))"
        }
    }

    /// `2s`, `0.5s`.
    static func seconds(_ s: Double) -> String {
        if s == s.rounded() { return "\(Int(s))s" }
        return "\((s * 1000).rounded() / 1000)s"
    }
}
