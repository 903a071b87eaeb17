#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The credentials the docker CLI sends in `X-Registry-Auth` (base64url of a JSON object) and in `POST /auth`.
public struct RegistryCredentials: Codable, Sendable, Equatable {
    public var username: String?
    public var password: String?
    public var auth: String?
    public var serveraddress: String?
    public var identitytoken: String?
    public var registrytoken: String?

    public init(username: String? = nil, password: String? = nil, serveraddress: String? = nil) {
        self.username = username
        self.password = password
        self.serveraddress = serveraddress
    }

    /// Nothing to authenticate with.
    public var isEmpty: Bool {
        (username ?? "").isEmpty && (password ?? "").isEmpty && (auth ?? "").isEmpty
            && (identitytoken ?? "").isEmpty && (registrytoken ?? "").isEmpty
    }

    /// `user:password`, from the fields or from `auth` (base64 of it).
    public var basicPair: (String, String)? {
        if let username, !username.isEmpty { return (username, password ?? "") }
        if let auth, let data = Data(base64Encoded: auth), let text = String(data: data, encoding: .utf8),
           let colon = text.firstIndex(of: ":") {
            return (String(text[..<colon]), String(text[text.index(after: colon)...]))
        }
        return nil
    }

    /// Decodes an `X-Registry-Auth` header (base64url or standard base64, padded or not); empty → nil.
    public static func decodeHeader(_ header: String?) throws -> RegistryCredentials? {
        guard var text = header?.trimmedSpace, !text.isEmpty else { return nil }
        text = String(text.map { $0 == "-" ? "+" : $0 == "_" ? "/" : $0 })
        while text.count % 4 != 0 { text += "=" }
        guard let data = Data(base64Encoded: text) else { throw AuthError.invalidHeader }
        if data.isEmpty || String(decoding: data, as: UTF8.self).trimmedSpace == "{}" {
            return nil
        }
        do {
            let credentials = try JSONDecoder().decode(RegistryCredentials.self, from: data)
            return credentials.isEmpty ? nil : credentials
        } catch {
            throw AuthError.invalidHeader
        }
    }

    public enum AuthError: Error, CustomStringConvertible, Equatable {
        case invalidHeader
        public var description: String { "invalid X-Registry-Auth header: not base64-encoded JSON" }
    }
}

/// A `WWW-Authenticate` challenge: `Bearer realm="...",service="...",scope="..."` or `Basic realm="..."`.
public struct AuthChallenge: Sendable, Equatable {
    public var scheme: String
    public var parameters: [String: String]

    public var realm: String? { parameters["realm"] }

    /// Parses the header value; nil when it names no scheme.
    public init?(header: String) {
        var rest = Substring(header.trimmedSpace)
        guard let space = rest.firstIndex(where: { $0 == " " }) ?? (rest.isEmpty ? nil : rest.endIndex) else { return nil }
        scheme = rest[..<space].lowercased()
        rest = rest[space...]
        var parameters: [String: String] = [:]
        while true {
            rest = rest.drop { $0 == " " || $0 == "," }
            guard let eq = rest.firstIndex(of: "=") else { break }
            let key = rest[..<eq].trimmedSpace.lowercased()
            rest = rest[rest.index(after: eq)...]
            var value = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                while let c = rest.first {
                    rest = rest.dropFirst()
                    if c == "\\", let next = rest.first { value.append(next); rest = rest.dropFirst(); continue }
                    if c == "\"" { break }
                    value.append(c)
                }
            } else {
                let end = rest.firstIndex(of: ",") ?? rest.endIndex
                value = rest[..<end].trimmedSpace
                rest = rest[end...]
            }
            parameters[key] = value
        }
        self.parameters = parameters
    }
}
