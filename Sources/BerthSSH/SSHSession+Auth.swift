import CSSH2
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The outcome of offering one key.
enum KeyOffer {
    case accepted
    case refused
    /// The key could not be offered at all (unreadable, unsupported, passphrase-protected).
    case unusable(String)
}

extension SSHSession {
    /// Default private keys tried, in order, when the endpoint names none.
    static let defaultKeyNames = ["id_ed25519", "id_ecdsa", "id_rsa"]

    /// Public-key authentication: the endpoint's key if it names one; otherwise the default keys in
    /// ~/.ssh that exist, then the ssh-agent's identities.
    func authenticate() throws {
        let raw = try requireOpen()
        let user = endpoint.user
        var tried: [String] = []

        guard let methods = try authMethods(raw, user: user) else { return } // "none" was accepted
        if !methods.split(separator: ",").contains("publickey") {
            throw SSHError.authenticationFailed(peer, user: user, tried: [],
                                                note: "server offers only \(methods), not publickey")
        }

        if let keyPath = endpoint.keyPath {
            guard FileManager.default.fileExists(atPath: keyPath) else {
                throw SSHError.authenticationFailed(peer, user: user, tried: ["\(keyPath) (no such file)"], note: nil)
            }
            switch try offerKeyFile(keyPath, user: user) {
            case .accepted: authenticated(with: keyPath); return
            case .refused: tried.append(keyPath)
            case .unusable(let why): tried.append("\(keyPath) (\(why))")
            }
            throw SSHError.authenticationFailed(peer, user: user, tried: tried, note: nil)
        }

        for path in Self.defaultKeyPaths() {
            switch try offerKeyFile(path, user: user) {
            case .accepted: authenticated(with: path); return
            case .refused: tried.append(path)
            case .unusable(let why): tried.append("\(path) (\(why))")
            }
        }
        let agent = try offerAgentKeys(user: user)
        if let accepted = agent.accepted {
            authenticated(with: accepted)
            return
        }
        if let summary = agent.summary { tried.append(summary) }
        throw SSHError.authenticationFailed(peer, user: user, tried: tried,
                                            note: tried.isEmpty ? "no key given, no ~/.ssh/id_* key, no ssh-agent" : nil)
    }

    static func defaultKeyPaths() -> [String] {
        guard let home = homeDirectory() else { return [] }
        return defaultKeyNames.map { "\(home)/.ssh/\($0)" }.filter { FileManager.default.fileExists(atPath: $0) }
    }

    static func homeDirectory() -> String? {
        if let h = getenv("HOME"), h.pointee != 0 { return String(cString: h) }
        guard let pw = getpwuid(getuid()), let dir = pw.pointee.pw_dir else { return nil }
        return String(cString: dir)
    }

    /// The server's allowed methods, or nil if the "none" method already authenticated us.
    private func authMethods(_ raw: OpaquePointer, user: String) throws -> String? {
        let deadline = Deadline(seconds: endpoint.connectTimeout)
        while true {
            if let list = libssh2_userauth_list(raw, user, UInt32(user.utf8.count)) {
                return String(cString: list)
            }
            if libssh2_userauth_authenticated(raw) != 0 { return nil }
            let code = libssh2_session_last_errno(raw)
            guard code == LIBSSH2_ERROR_EAGAIN else { throw failure(code, operation: "authentication") }
            try waitSocket("authentication", until: deadline)
        }
    }

    /// Runs one userauth call to completion and returns libssh2's code (0 = accepted).
    private func authCall(_ body: () -> Int32) throws -> Int32 {
        let deadline = Deadline(seconds: max(endpoint.connectTimeout, 10))
        while true {
            let rc = body()
            guard rc == LIBSSH2_ERROR_EAGAIN else { return rc }
            try waitSocket("authentication", until: deadline)
        }
    }

    private func classify(_ rc: Int32, _ raw: OpaquePointer) throws -> KeyOffer {
        switch rc {
        case 0: return .accepted
        case LIBSSH2_ERROR_AUTHENTICATION_FAILED, LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED: return .refused
        case LIBSSH2_ERROR_FILE, LIBSSH2_ERROR_PUBLICKEY_UNRECOGNIZED, LIBSSH2_ERROR_METHOD_NOT_SUPPORTED:
            let message = lastErrorMessage(raw)
            return .unusable("unusable key" + (message.isEmpty ? "" : ": \(message)")
                             + "; passphrase-protected keys need ssh-agent")
        default:
            throw failure(rc, operation: "authentication")
        }
    }

    /// Offers one private key file. RSA keys are signed with rsa-sha2-512 (see `RSAPrivateKey`), falling
    /// back to libssh2's own ssh-rsa for servers that predate SHA-2 signatures.
    func offerKeyFile(_ path: String, user: String) throws -> KeyOffer {
        let raw = try requireOpen()
        if let text = try? String(contentsOfFile: path, encoding: .utf8), let rsa = RSAPrivateKey(pem: text),
           cssh2_rsa_sha2_available() != 0 {
            let offer = try offerRSASHA2(rsa, user: user)
            if case .accepted = offer { return offer }
        }
        let publicPath = path + ".pub"
        let hasPublic = FileManager.default.fileExists(atPath: publicPath)
        let rc = try authCall {
            cssh2_userauth_publickey_fromfile(raw, user, hasPublic ? publicPath : nil, path)
        }
        return try classify(rc, raw)
    }

    private func offerRSASHA2(_ key: RSAPrivateKey, user: String) throws -> KeyOffer {
        let raw = try requireOpen()
        var error = [CChar](repeating: 0, count: 256)
        let signer = key.n.withUnsafeBufferPointer { n in
            key.e.withUnsafeBufferPointer { e in
                key.d.withUnsafeBufferPointer { d in
                    cssh2_rsa_signer_new(n.baseAddress, n.count, e.baseAddress, e.count, d.baseAddress, d.count,
                                         1, &error, error.count)
                }
            }
        }
        guard let signer else {
            let message = String(decoding: error.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return .unusable(message)
        }
        defer { cssh2_rsa_signer_free(signer) }
        let blob = [UInt8](key.blob(typeName: "rsa-sha2-512"))
        let rc = try authCall {
            blob.withUnsafeBufferPointer { cssh2_userauth_rsa_sha2(raw, user, $0.baseAddress, $0.count, signer) }
        }
        return try classify(rc, raw)
    }

    /// Offers each identity of the running ssh-agent. Returns what was accepted, or a summary for the
    /// failure message (nil when there is no agent).
    private func offerAgentKeys(user: String) throws -> (accepted: String?, summary: String?) {
        guard let sock = getenv("SSH_AUTH_SOCK"), sock.pointee != 0 else { return (nil, nil) }
        let raw = try requireOpen()
        guard let agent = libssh2_agent_init(raw) else { return (nil, "ssh-agent (cannot initialize)") }
        defer {
            _ = libssh2_agent_disconnect(agent)
            libssh2_agent_free(agent)
        }
        guard libssh2_agent_connect(agent) == 0 else { return (nil, "ssh-agent (cannot connect)") }
        guard libssh2_agent_list_identities(agent) == 0 else { return (nil, "ssh-agent (cannot list keys)") }
        var previous: UnsafeMutablePointer<libssh2_agent_publickey>?
        var count = 0
        while true {
            var identity: UnsafeMutablePointer<libssh2_agent_publickey>?
            let rc = libssh2_agent_get_identity(agent, &identity, previous)
            guard rc == 0, let identity else { break }
            count += 1
            let offer = try classify(try authCall { libssh2_agent_userauth(agent, user, identity) }, raw)
            if case .accepted = offer {
                let comment = identity.pointee.comment.map { String(cString: $0) } ?? ""
                return ("ssh-agent" + (comment.isEmpty ? "" : " (\(comment))"), nil)
            }
            previous = identity
        }
        return (nil, "ssh-agent (\(count) key\(count == 1 ? "" : "s"))")
    }
}
