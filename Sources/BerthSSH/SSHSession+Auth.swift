import CSSH2
import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension SSHSession {
    /// Public-key authentication: the endpoint's key if it names one; otherwise the default keys in
    /// ~/.ssh that exist (`AuthSources.defaultKeyNames`), then the ssh-agent's identities.
    ///
    /// RSA keys, from files or the agent, are signed with rsa-sha2-512: libssh2 1.10 only knows ssh-rsa
    /// (SHA-1) signatures, which OpenSSH 8.8 and later refuse by default.
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

        for path in authSources.defaultKeyPaths {
            switch try offerKeyFile(path, user: user) {
            case .accepted: authenticated(with: path); return
            case .refused: tried.append(path)
            case .unusable(let why): tried.append("\(path) (\(why))")
            }
        }
        if let socket = authSources.agentSocket {
            let agent = try offerAgentKeys(socket: socket, user: user)
            if let accepted = agent.accepted {
                authenticated(with: accepted)
                return
            }
            tried.append(agent.summary)
        }
        throw SSHError.authenticationFailed(peer, user: user, tried: tried,
                                            note: tried.isEmpty ? "no key given, no ~/.ssh/id_* key, no ssh-agent" : nil)
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
        case LIBSSH2_ERROR_AUTHENTICATION_FAILED:
            return .refused
        case LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED:
            // Also what libssh2 says when the server accepted the public key but the private one could
            // not be loaded to sign.
            let message = lastErrorMessage(raw)
            return message == "Callback returned error" ? .unusable("cannot load the private key") : .refused
        case LIBSSH2_ERROR_FILE, LIBSSH2_ERROR_PUBLICKEY_UNRECOGNIZED, LIBSSH2_ERROR_METHOD_NOT_SUPPORTED:
            let message = lastErrorMessage(raw)
            return .unusable("unusable key" + (message.isEmpty ? "" : ": \(message)"))
        default:
            throw failure(rc, operation: "authentication")
        }
    }

    /// Offers one private key file. RSA keys go with rsa-sha2-512 first, then libssh2's own ssh-rsa for
    /// servers that predate SHA-2 signatures.
    func offerKeyFile(_ path: String, user: String) throws -> KeyOffer {
        let raw = try requireOpen()
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            return .unusable("cannot read the file")
        }
        if PrivateKeyFormat.isEncrypted(text) {
            return .unusable("passphrase-protected; load it into ssh-agent")
        }
        if let rsa = RSAPrivateKey(pem: text), cssh2_rsa_sha2_available() != 0 {
            if case .accepted = try offerRSASHA2(rsa, user: user) { return .accepted }
        }
        let publicPath = path + ".pub"
        let hasPublic = FileManager.default.fileExists(atPath: publicPath)
        let rc = try authCall {
            cssh2_userauth_publickey_fromfile(raw, user, hasPublic ? publicPath : nil, path)
        }
        return try classify(rc, raw)
    }

    private func offerRSASHA2(_ key: RSAPrivateKey, user: String) throws -> KeyOffer {
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
            return .unusable(String(decoding: error.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        defer { cssh2_signer_free(signer) }
        return try offerSigned(blob: [UInt8](key.blob(typeName: "rsa-sha2-512")), signer: signer, user: user)
    }

    private func offerSigned(blob: [UInt8], signer: OpaquePointer, user: String) throws -> KeyOffer {
        let raw = try requireOpen()
        let rc = try authCall {
            blob.withUnsafeBufferPointer { cssh2_userauth_signed(raw, user, $0.baseAddress, $0.count, signer) }
        }
        return try classify(rc, raw)
    }

    /// Offers each identity of the agent at `socket`. Returns what was accepted, or a summary for the
    /// failure message.
    private func offerAgentKeys(socket: String, user: String) throws -> (accepted: String?, summary: String) {
        let raw = try requireOpen()
        guard let agent = libssh2_agent_init(raw) else { return (nil, "ssh-agent (cannot initialize)") }
        defer {
            _ = libssh2_agent_disconnect(agent)
            libssh2_agent_free(agent)
        }
        libssh2_agent_set_identity_path(agent, socket)
        guard libssh2_agent_connect(agent) == 0 else { return (nil, "ssh-agent at \(socket) (cannot connect)") }
        guard libssh2_agent_list_identities(agent) == 0 else { return (nil, "ssh-agent (cannot list keys)") }
        var previous: UnsafeMutablePointer<libssh2_agent_publickey>?
        var count = 0
        while true {
            var identity: UnsafeMutablePointer<libssh2_agent_publickey>?
            guard libssh2_agent_get_identity(agent, &identity, previous) == 0, let identity else { break }
            previous = identity
            count += 1
            guard let blobPointer = identity.pointee.blob else { continue }
            let blob = [UInt8](UnsafeBufferPointer(start: blobPointer, count: identity.pointee.blob_len))
            let offer: KeyOffer
            if HostKey(blob: Data(blob))?.type == "ssh-rsa" {
                offer = try offerAgentRSASHA2(blob: blob, socket: socket, user: user)
            } else {
                offer = try classify(try authCall { libssh2_agent_userauth(agent, user, identity) }, raw)
            }
            if case .accepted = offer {
                let comment = identity.pointee.comment.map { String(cString: $0) } ?? ""
                return ("ssh-agent" + (comment.isEmpty ? "" : " (\(comment))"), "")
            }
        }
        return (nil, "ssh-agent (\(count) key\(count == 1 ? "" : "s"))")
    }

    /// An agent-held RSA key, signed by the agent with rsa-sha2-512.
    private func offerAgentRSASHA2(blob: [UInt8], socket: String, user: String) throws -> KeyOffer {
        let context = AgentSignContext(client: SSHAgentClient(socketPath: socket), keyBlob: blob)
        let unmanaged = Unmanaged.passRetained(context)
        defer { unmanaged.release() }
        guard let signer = cssh2_signer_new(agentSign, unmanaged.toOpaque()) else {
            return .unusable("out of memory")
        }
        defer { cssh2_signer_free(signer) }
        var renamed = SSHWireReader(blob)
        _ = renamed.string()
        var sha2Blob = SSHWireWriter()
        sha2Blob.string("rsa-sha2-512")
        guard let rest = renamed.bytes(renamed.remaining) else { return .unusable("malformed agent key") }
        let typed = sha2Blob.bytes + rest
        return try offerSigned(blob: typed, signer: signer, user: user)
    }
}

/// What the agent signing callback needs.
private final class AgentSignContext {
    let client: SSHAgentClient
    let keyBlob: [UInt8]

    init(client: SSHAgentClient, keyBlob: [UInt8]) {
        self.client = client
        self.keyBlob = keyBlob
    }
}

/// cssh2_sign_fn for agent-held RSA keys: asks for an rsa-sha2-512 signature.
private let agentSign: cssh2_sign_fn = { context, data, dataLength, signature, signatureLength in
    guard let context, let data, let signature, let signatureLength else { return -1 }
    let request = Unmanaged<AgentSignContext>.fromOpaque(context).takeUnretainedValue()
    let payload = [UInt8](UnsafeBufferPointer(start: data, count: dataLength))
    guard let result = try? request.client.sign(keyBlob: request.keyBlob, data: payload,
                                                flags: SSHAgentClient.rsaSHA2_512),
          result.algorithm == "rsa-sha2-512", !result.signature.isEmpty,
          let out = malloc(result.signature.count)?.assumingMemoryBound(to: UInt8.self)
    else { return -1 }
    _ = UnsafeMutableBufferPointer(start: out, count: result.signature.count).initialize(from: result.signature)
    signature.pointee = out
    signatureLength.pointee = result.signature.count
    return 0
}
