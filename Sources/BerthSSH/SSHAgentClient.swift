import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Just the signing request of the ssh-agent protocol (draft-miller-ssh-agent), used where libssh2 1.10
/// would ask the agent for a SHA-1 RSA signature: this asks for rsa-sha2-512 instead.
struct SSHAgentClient {
    let socketPath: String
    var timeout: Double = 30

    /// SSH_AGENT_RSA_SHA2_512 in a sign request's flags.
    static let rsaSHA2_512: UInt32 = 4

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Asks the agent to sign `data` with the key whose public blob is `keyBlob`. Returns the signature
    /// algorithm and the raw signature.
    func sign(keyBlob: [UInt8], data: [UInt8], flags: UInt32) throws -> (algorithm: String, signature: [UInt8]) {
        var body = SSHWireWriter()
        body.byte(13) // SSH2_AGENTC_SIGN_REQUEST
        body.string(keyBlob)
        body.string(data)
        body.uint32(flags)
        var message = SSHWireWriter()
        message.string(body.bytes)

        let fd = try connect()
        defer { close(fd) }
        try writeAll(fd, message.bytes)
        var header = SSHWireReader(try readExactly(fd, 4))
        guard let length = header.uint32(), length > 0, length <= 256 * 1024 else {
            throw Failure(description: "bad reply length from ssh-agent")
        }
        var reply = SSHWireReader(try readExactly(fd, Int(length)))
        guard let type = reply.byte() else { throw Failure(description: "empty reply from ssh-agent") }
        guard type == 14 else { throw Failure(description: "ssh-agent refused to sign") } // SSH2_AGENT_SIGN_RESPONSE
        guard let blob = reply.string() else { throw Failure(description: "malformed reply from ssh-agent") }
        var sig = SSHWireReader(blob)
        guard let algorithm = sig.text(), let raw = sig.string() else {
            throw Failure(description: "malformed signature from ssh-agent")
        }
        return (algorithm, raw)
    }

    private func connect() throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else {
            let e = errno
            throw Failure(description: "socket: " + String(cString: strerror(e)))
        }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let path = Array(socketPath.utf8)
        let capacity = MemoryLayout.size(ofValue: addr.sun_path)
        guard path.count < capacity else {
            close(fd)
            throw Failure(description: "agent socket path too long")
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in path.enumerated() { raw[i] = b }
            raw[path.count] = 0
        }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        if rc != 0 {
            let e = errno
            close(fd)
            throw Failure(description: "connect \(socketPath): " + String(cString: strerror(e)))
        }
        return fd
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            var e: Int32 = 0
            let n = bytes[offset...].withUnsafeBytes { buffer -> Int in
                let r = send(fd, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL))
                if r < 0 { e = errno }
                return r
            }
            if n > 0 { offset += n; continue }
            if n < 0 && e == EINTR { continue }
            throw Failure(description: "write to ssh-agent: " + String(cString: strerror(e)))
        }
    }

    private func readExactly(_ fd: Int32, _ count: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var got = 0
        while got < count {
            var e: Int32 = 0
            let n = out[got...].withUnsafeMutableBytes { buffer -> Int in
                let r = recv(fd, buffer.baseAddress, buffer.count, 0)
                if r < 0 { e = errno }
                return r
            }
            if n > 0 { got += n; continue }
            if n < 0 && e == EINTR { continue }
            throw Failure(description: n == 0 ? "ssh-agent closed the connection"
                                              : "read from ssh-agent: " + String(cString: strerror(e)))
        }
        return out
    }
}
