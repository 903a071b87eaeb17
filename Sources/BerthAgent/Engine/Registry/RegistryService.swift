#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import BerthCore
import BerthImageFormat
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOSSL

/// What the agent knows of registries (dockerd's `registry-mirrors`, `insecure-registries` and `certs.d`), and
/// where a repository's API is reached.
final class RegistryService: Sendable {
    /// One place to ask: a registry's API root and how to speak to it.
    struct Endpoint: Sendable {
        var base: RegistryURL
        var tls: NIOSSLContext?
        var mirror: Bool
        /// Where to look for this registry's CA (named in certificate errors).
        var certsHint: String
    }

    let mirrors: [String]
    let insecure: [String]
    let certsDirectories: [String]
    let http = RegistryHTTP()
    private let contexts = NIOLockedValueBox<[String: NIOSSLContext]>([:])

    init(configuration: AgentConfiguration) {
        mirrors = configuration.registryMirrors
        insecure = configuration.insecureRegistries
        certsDirectories = configuration.certsDirectories
    }

    /// `insecure-registries` and 127.0.0.0/8: plain HTTP allowed and certificates not checked.
    func isInsecure(_ authority: String) -> Bool {
        let host = Self.host(of: authority)
        if let address = IPv4Address(host) {
            if (address.value >> 24) == 127 { return true }
            for entry in insecure where entry.contains("/") {
                if let network = try? IPv4Network(parsing: entry, strict: false), network.contains(address) { return true }
            }
        }
        if host == "localhost" { return true }
        return insecure.contains { $0 == authority || $0 == host || $0.hasSuffix("://" + authority) }
    }

    static func host(of authority: String) -> String {
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            return String(authority[authority.index(after: authority.startIndex)..<close])
        }
        return authority.split(separator: ":").first.map(String.init) ?? authority
    }

    /// The endpoints to try for a reference, in order: mirrors first for Docker Hub; https, then plain http for an
    /// insecure registry.
    func endpoints(for reference: DistributionReference) throws -> [Endpoint] {
        var out: [Endpoint] = []
        if reference.domain == DistributionReference.defaultDomain {
            for mirror in mirrors {
                guard let url = RegistryURL(mirror.hasSuffix("/") ? String(mirror.dropLast()) : mirror) else {
                    throw RegistryError.failed("invalid registry mirror \(mirror): expected https://HOST[:PORT]")
                }
                let authority = url.authority
                let secure = !isInsecure(authority)
                let base = RegistryURL(scheme: url.scheme, host: url.host, port: url.port, target: "")
                out.append(Endpoint(base: base, tls: url.scheme == "https" ? try context(for: authority, verify: secure) : nil,
                                    mirror: true, certsHint: certsHint(authority)))
            }
        }
        let authority = reference.registryHost
        let host = Self.host(of: authority)
        let port = authority.hasSuffix("]") ? nil : authority.split(separator: ":").dropFirst().first.flatMap { Int($0) }
        let verify = !isInsecure(authority)
        out.append(Endpoint(base: RegistryURL(scheme: "https", host: host, port: port, target: ""),
                            tls: try context(for: authority, verify: verify), mirror: false,
                            certsHint: certsHint(authority)))
        if !verify {
            out.append(Endpoint(base: RegistryURL(scheme: "http", host: host, port: port, target: ""), tls: nil,
                                mirror: false, certsHint: certsHint(authority)))
        }
        return out
    }

    func certsHint(_ authority: String) -> String {
        "add \(authority) to \"insecure-registries\" in the agent's configuration, or put its CA in "
            + certsDirectories.map { "\($0)/\(authority)/ca.crt" }.joined(separator: " or ")
    }

    /// The TLS client for a registry: the system's roots plus every `*.crt` under `certs.d/HOST:PORT/`, and a
    /// client certificate from `client.cert`/`client.key` there.
    func context(for authority: String, verify: Bool) throws -> NIOSSLContext {
        let key = authority + (verify ? "" : "#insecure")
        if let cached = contexts.withLockedValue({ $0[key] }) { return cached }
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        if !verify { configuration.certificateVerification = .none }
        var extra: [NIOSSLCertificateSource] = []
        let fm = FileManager.default
        for directory in certsDirectories {
            let dir = directory + "/" + authority
            guard let files = try? fm.contentsOfDirectory(atPath: dir) else { continue }
            for file in files.sorted() where file.hasSuffix(".crt") {
                do {
                    extra += try NIOSSLCertificate.fromPEMFile(dir + "/" + file).map { .certificate($0) }
                } catch {
                    throw RegistryError.failed("invalid CA certificate \(dir)/\(file): \(error)")
                }
            }
            if files.contains("client.cert"), files.contains("client.key"), configuration.privateKey == nil {
                do {
                    configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(dir + "/client.cert")
                        .map { .certificate($0) }
                    configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: dir + "/client.key", format: .pem))
                } catch {
                    throw RegistryError.failed("invalid client certificate in \(dir): \(error)")
                }
            }
        }
        if !extra.isEmpty { configuration.additionalTrustRoots = [.certificates(extra.compactMap {
            if case .certificate(let c) = $0 { return c } else { return nil }
        })] }
        let context: NIOSSLContext
        do { context = try NIOSSLContext(configuration: configuration) } catch {
            throw RegistryError.failed("cannot make a TLS client for \(authority): \(error)")
        }
        contexts.withLockedValue { $0[key] = context }
        return context
    }

    /// dockerd's `RegistryConfig` for `/info`.
    func infoConfig() -> EngineInfo.RegistryConfig {
        var config = EngineInfo.RegistryConfig()
        config.insecureRegistryCIDRs = ["127.0.0.0/8"] + insecure.filter { $0.contains("/") }
        config.mirrors = mirrors.map { $0.hasSuffix("/") ? $0 : $0 + "/" }
        config.indexConfigs["docker.io"] = EngineInfo.IndexInfo(name: "docker.io", mirrors: config.mirrors, secure: true,
                                                                official: true)
        for entry in insecure where !entry.contains("/") {
            config.indexConfigs[entry] = EngineInfo.IndexInfo(name: entry, mirrors: [], secure: false, official: false)
        }
        return config
    }
}

enum SessionStep<T> { case done(T), retry(AuthChallenge?), redirect(RegistryURL) }

/// A conversation with one repository on one endpoint: authenticates on the first 401 (a bearer token from the
/// realm the registry names, or basic auth) and follows redirects.
final class RegistrySession {
    let service: RegistryService
    let endpoint: RegistryService.Endpoint
    let repository: String
    let credentials: RegistryCredentials?
    /// `pull` or `pull,push`.
    let actions: String
    private var authorization: String?

    init(service: RegistryService, endpoint: RegistryService.Endpoint, repository: String,
         credentials: RegistryCredentials?, actions: String) {
        self.service = service
        self.endpoint = endpoint
        self.repository = repository
        self.credentials = credentials
        self.actions = actions
    }

    func url(_ path: String) -> RegistryURL {
        var base = endpoint.base
        base.target = path
        return base
    }

    /// `/v2/<repository>/<suffix>`.
    func repositoryURL(_ suffix: String) -> RegistryURL { url("/v2/\(repository)/\(suffix)") }

    /// Sends a request, authenticating and following up to five redirects; `handle` gets the final answer.
    func send<T>(_ method: HTTPMethod, _ target: RegistryURL, headers: [(String, String)] = [],
                 body: RegistryRequestBody = .none, _ handle: (RegistryResponse) async throws -> T) async throws -> T {
        var url = target
        var authenticated = false
        for _ in 0..<6 {
            var all = headers
            let sameHost = url.host == endpoint.base.host && url.port == endpoint.base.port
            if let authorization, sameHost { all.append(("Authorization", authorization)) }
            let step: SessionStep<T> = try await service.http.execute(method, url, headers: all, body: body,
                                                            tls: url.scheme == "https" ? endpoint.tls : nil) { response in
                if response.status == 401, !authenticated, sameHost {
                    return .retry(response.headers.first(name: "WWW-Authenticate").flatMap { AuthChallenge(header: $0) })
                }
                if [301, 302, 303, 307, 308].contains(response.status), let location = response.headers.first(name: "Location"),
                   let next = url.resolving(location) {
                    return .redirect(next)
                }
                return .done(try await handle(response))
            }
            switch step {
            case .done(let value): return value
            case .redirect(let next): url = next
            case .retry(let challenge):
                authenticated = true
                try await authenticate(challenge, method: method, url: url)
            }
        }
        throw RegistryError.failed("\(method.rawValue) \(target): too many redirects")
    }

    /// Gets an `Authorization` value for a challenge.
    private func authenticate(_ challenge: AuthChallenge?, method: HTTPMethod, url: RegistryURL) async throws {
        let basic = credentials?.basicPair.map { "Basic " + Data("\($0.0):\($0.1)".utf8).base64EncodedString() }
        guard let challenge else {
            throw RegistryError.unauthorized("\(verb(method)) \"\(url)\": unauthorized: no challenge from the registry")
        }
        if challenge.scheme == "basic" {
            guard let basic else { throw RegistryError.unauthorized("\(verb(method)) \"\(url)\": no basic auth credentials") }
            authorization = basic
            return
        }
        guard challenge.scheme == "bearer", let realm = challenge.realm, var tokenURL = RegistryURL(realm) else {
            throw RegistryError.unauthorized("\(verb(method)) \"\(url)\": unsupported authentication \(challenge.scheme)")
        }
        var query: [(String, String)] = []
        if let service = challenge.parameters["service"] { query.append(("service", service)) }
        // A login (no repository) asks for a token without a scope, as dockerd does.
        if let scope = challenge.parameters["scope"] ?? (repository.isEmpty ? nil : "repository:\(repository):\(actions)") {
            query.append(("scope", scope))
        }
        if let name = credentials?.basicPair?.0 { query.append(("account", name)) }
        tokenURL = tokenURL.adding(query: query)
        var headers: [(String, String)] = []
        if let basic { headers.append(("Authorization", basic)) }
        if let token = credentials?.registrytoken, !token.isEmpty {
            authorization = "Bearer " + token
            return
        }
        let tls = tokenURL.scheme == "https"
            ? try service.context(for: tokenURL.authority, verify: !service.isInsecure(tokenURL.authority)) : nil
        let body: [UInt8] = try await service.http.execute(.GET, tokenURL, headers: headers, tls: tls) { response in
            let bytes = try await response.collect(limit: 1 << 20)
            guard response.status == 200 else {
                let text = RegistryError.registryText(bytes, status: response.status).text
                throw RegistryError.unauthorized("Get \"\(tokenURL)\": \(response.status == 401 ? "unauthorized: incorrect username or password" : text)")
            }
            return bytes
        }
        struct Token: Decodable { var token: String?; var access_token: String? }
        guard let token = try? JSONDecoder().decode(Token.self, from: Data(body)), let value = token.token ?? token.access_token
        else { throw RegistryError.unauthorized("the token server at \(realm) sent no token") }
        authorization = "Bearer " + value
    }

    private func verb(_ method: HTTPMethod) -> String {
        method.rawValue.prefix(1) + method.rawValue.dropFirst().lowercased()
    }
}
