import CSSH2
import Foundation

extension SSHSession {
    /// Reads the endpoint's known-hosts file; nil when pinning is off.
    func loadHostKeyPin() throws -> HostKeyPin? {
        guard let path = endpoint.knownHostsPath else { return nil }
        let file: KnownHostsFile
        do {
            file = try KnownHostsFile.load(path: path)
        } catch let error as KnownHostsFile.Failure {
            throw SSHError.knownHostsFailed(peer, path: path, reason: error.reason)
        }
        let pattern = KnownHostsFile.hostPattern(host: endpoint.host, port: endpoint.port)
        return HostKeyPin(file: file, hostPattern: pattern, pinned: file.keys(for: pattern))
    }

    /// Asks for the pinned key types first, so a host with several keys presents the one we know.
    func preferAlgorithms(of pinned: [HostKey]) {
        guard let raw, !pinned.isEmpty, let list = cssh2_supported_hostkey_algorithms(raw) else { return }
        let supported = String(cString: list).split(separator: ",").map(String.init)
        free(list)
        var order: [String] = []
        for key in pinned where supported.contains(key.type) && !order.contains(key.type) { order.append(key.type) }
        guard !order.isEmpty else { return }
        order += supported.filter { !order.contains($0) }
        _ = libssh2_session_method_pref(raw, LIBSSH2_METHOD_HOSTKEY, order.joined(separator: ","))
    }

    /// Compares the presented key with the pinned ones, or records it on first contact.
    func verifyHostKey(pin: HostKeyPin?) throws {
        let raw = try requireOpen()
        var length = 0
        var type: Int32 = 0
        guard let pointer = libssh2_session_hostkey(raw, &length, &type), length > 0,
              let presented = HostKey(blob: Data(bytes: pointer, count: length))
        else {
            throw SSHError.handshakeFailed(peer, reason: "the server presented no host key")
        }
        hostKeyPresented(presented)
        guard var pin else { return }
        if pin.pinned.contains(presented) { return }
        if let known = pin.pinned.first(where: { $0.type == presented.type }) ?? pin.pinned.first {
            throw SSHError.hostKeyMismatch(peer, knownHostsPath: pin.file.path, hostPattern: pin.hostPattern,
                                           pinned: known.summary, presented: presented.summary)
        }
        // First contact: trust and record. Re-read first so a concurrent writer's lines survive.
        if let fresh = try? KnownHostsFile.load(path: pin.file.path) { pin.file = fresh }
        let again = pin.file.keys(for: pin.hostPattern)
        if again.contains(presented) { return }
        if let known = again.first {
            throw SSHError.hostKeyMismatch(peer, knownHostsPath: pin.file.path, hostPattern: pin.hostPattern,
                                           pinned: known.summary, presented: presented.summary)
        }
        pin.file.add(presented, for: pin.hostPattern)
        do {
            try pin.file.save()
        } catch let error as KnownHostsFile.Failure {
            throw SSHError.knownHostsFailed(peer, path: pin.file.path, reason: error.reason)
        }
    }
}
