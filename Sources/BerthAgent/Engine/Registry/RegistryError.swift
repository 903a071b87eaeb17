/// Registry failures, worded as dockerd words them (the CLI prints them after "Error response from daemon: ").
enum RegistryError: Error, APIErrorConvertible, CustomStringConvertible {
    case connect(method: String, url: String, reason: String)
    case tls(url: String, reason: String)
    /// An answer with the registry's own error (`manifest unknown: manifest unknown`).
    case registry(status: Int, message: String)
    case manifestNotFound(reference: String, detail: String)
    case repositoryNotFound(repository: String, detail: String)
    case unauthorized(String)
    case digestMismatch(String)
    case failed(String)

    var description: String {
        switch self {
        case .connect(let method, let url, let reason):
            let verb = method.prefix(1).uppercased() + method.dropFirst().lowercased()
            return "\(verb) \"\(url)\": \(reason)"
        case .tls(let url, let reason): return "Get \"\(url)\": \(reason)"
        case .registry(_, let message): return message
        case .manifestNotFound(let reference, let detail): return "manifest for \(reference) not found: \(detail)"
        case .repositoryNotFound(let repository, let detail): return "repository \(repository) not found: \(detail)"
        case .unauthorized(let message): return message
        case .digestMismatch(let what): return what
        case .failed(let message): return message
        }
    }

    var apiError: APIError {
        switch self {
        case .manifestNotFound, .repositoryNotFound: return .notFound(description)
        case .registry(let status, _) where status == 404: return .notFound(description)
        case .unauthorized: return .internal(description)
        default: return .internal(description)
        }
    }

    /// The registry's error body (`{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}`) as
    /// dockerd prints it: `manifest unknown: manifest unknown`; the HTTP status when there is none.
    static func registryText(_ body: [UInt8], status: Int) -> (code: String?, text: String) {
        struct Body: Decodable {
            struct Item: Decodable { var code: String?; var message: String? }
            var errors: [Item]?
        }
        if let parsed = try? JSONDecoder().decode(Body.self, from: Data(body)), let first = parsed.errors?.first {
            let code = (first.code ?? "UNKNOWN")
            let readable = code.lowercased().split(separator: "_").joined(separator: " ")
            return (code, first.message.map { readable + ": " + $0 } ?? readable)
        }
        return (nil, "unexpected status code \(status)")
    }
}

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
