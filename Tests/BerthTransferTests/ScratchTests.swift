import BerthCore
import BerthSSH
@testable import BerthTransfer
import Foundation
import Testing

func ep(_ n: String, _ ip: String) -> SSHEndpoint {
    SSHEndpoint(host: ip, port: 22, user: "root", keyPath: "/tmp/scpt/store/machines/\(n)/id_ed25519",
                knownHostsPath: "/tmp/scpt/store/machines/\(n)/known_hosts", label: n)
}

@Test func scratchSpeed() throws {
    let s = try SSHSession.connect(ep("sc1", "10.213.97.3"))
    let sftp = try s.sftp()
    let total = 256 << 20
    var t = Date()
    let f = try sftp.openForWriting("/tmp/t/raw", mode: 0o644)
    var sent = 0
    try f.write(from: { b in
        let n = min(b.count, total - sent); sent += n; return n
    })
    try f.close()
    print("raw write", Double(total) / Date().timeIntervalSince(t) / 1e6, "MB/s")
    t = Date()
    let r = try sftp.openForReading("/tmp/t/raw")
    let buf = UnsafeMutableRawBufferPointer.allocate(byteCount: 2 << 20, alignment: 16)
    var got = 0
    while true { let n = try r.read(into: buf); if n == 0 { break }; got += n }
    print("raw read", Double(got) / Date().timeIntervalSince(t) / 1e6, "MB/s")
    t = Date()
    print(try s.run("sha256sum < /tmp/t/raw", stdin: nil, onOutput: nil).output, Date().timeIntervalSince(t))
    t = Date()
    print(try s.run("openssl dgst -sha256 -r < /tmp/t/raw", stdin: nil, onOutput: nil).output, Date().timeIntervalSince(t))
    t = Date()
    let side = SFTPSide(session: s, label: "sc1")
    print(try side.sha256(["/tmp/t/raw"]), Date().timeIntervalSince(t))
    t = Date()
    let d = SHA256Digest()
    var data = Data(count: 256 << 20)
    data.withUnsafeBytes { d.update($0) }
    print("local digest", d.usesLibCrypto, d.finalize(), Date().timeIntervalSince(t))
}
