import Foundation

/// A second, minimal SFTP v3 client on its own channel, for what libssh2 1.10 cannot do:
/// `posix-rename@openssh.com` (replaces an existing target atomically where the v3 RENAME refuses), and
/// SYMLINK (Debian's libssh2 1.10.0-3+deb12u1 creates the link but then reports a protocol error, taking
/// the request id for the status). It speaks only INIT/VERSION and requests answered by STATUS, one at a
/// time.
final class SFTPSideChannel {
    static let posixRename = "posix-rename@openssh.com"

    private let channel: SSHChannel
    /// Extension names and versions the server announced in its VERSION packet.
    let extensions: [String: String]
    private var nextID: UInt32 = 1

    private static let fxpInit: UInt8 = 1, fxpVersion: UInt8 = 2, fxpSymlink: UInt8 = 20, fxpStatus: UInt8 = 101,
                       fxpExtended: UInt8 = 200

    private init(channel: SSHChannel, extensions: [String: String]) {
        self.channel = channel
        self.extensions = extensions
    }

    /// Opens the `sftp` subsystem on a new channel and reads the server's extension list.
    static func open(on session: SSHSession) throws -> SFTPSideChannel {
        let channel = try SSHChannel.open(on: session)
        try channel.subsystem("sftp")
        var hello = SSHWireWriter()
        hello.uint32(5)
        hello.byte(fxpInit)
        hello.uint32(3)
        try channel.writeAll(hello.bytes, operation: "SFTP init")
        var r = SSHWireReader(try receive(channel))
        guard r.byte() == fxpVersion, r.uint32() != nil else {
            throw SSHError.libssh2(session.peer, operation: "SFTP init", code: -31, message: "unexpected reply to INIT")
        }
        var extensions: [String: String] = [:]
        while !r.isAtEnd, let name = r.text(), let data = r.text() { extensions[name] = data }
        return SFTPSideChannel(channel: channel, extensions: extensions)
    }

    func supports(_ name: String) -> Bool { extensions[name] != nil }

    /// rename(2) on the server: replaces `to` atomically. Returns the SFTP status code (0 = ok).
    func posixRename(_ from: String, _ to: String) throws -> UInt32 {
        try statusRequest(Self.fxpExtended, [Self.posixRename, from, to], operation: "SFTP posix-rename")
    }

    /// symlink(2) on the server: a link at `linkPath` pointing to `target`. Returns the SFTP status code.
    /// OpenSSH takes the two paths in the opposite order to the draft: target first.
    func symlink(target: String, linkPath: String) throws -> UInt32 {
        try statusRequest(Self.fxpSymlink, [target, linkPath], operation: "SFTP symlink")
    }

    /// Sends `type, id, strings...` and returns the status code of the STATUS reply.
    private func statusRequest(_ type: UInt8, _ strings: [String], operation: String) throws -> UInt32 {
        let id = nextID
        nextID &+= 1
        var body = SSHWireWriter()
        body.byte(type)
        body.uint32(id)
        for s in strings { body.string(s) }
        var packet = SSHWireWriter()
        packet.string(body.bytes)
        try channel.writeAll(packet.bytes, operation: operation)
        var r = SSHWireReader(try Self.receive(channel))
        guard r.byte() == Self.fxpStatus, r.uint32() == id, let status = r.uint32() else {
            throw SSHError.libssh2(channel.session.peer, operation: operation, code: -31, message: "unexpected reply")
        }
        return status
    }

    /// Reads one length-prefixed SFTP packet and returns its body (type byte onwards).
    private static func receive(_ channel: SSHChannel) throws -> [UInt8] {
        var header = SSHWireReader(try channel.readExactly(4, operation: "SFTP read"))
        guard let length = header.uint32(), length > 0, length <= 256 * 1024 else {
            throw SSHError.libssh2(channel.session.peer, operation: "SFTP read", code: -31, message: "bad packet length")
        }
        return try channel.readExactly(Int(length), operation: "SFTP read")
    }

    func close() {
        channel.free()
    }
}
