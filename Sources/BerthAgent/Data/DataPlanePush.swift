#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import BerthCore
import BerthFiles
import BerthKernel
import Glibc
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOSSL

/// `POST /berth/data/v1/push`: a stretch of a file here, uploaded straight to another agent (see ``DataPlane/Push``).
/// This agent presents its own certificate to the other, which trusts it as it trusts the controller's: both are
/// the store CA's.
final class DataPlanePeers: Sendable {
    let caFile: String
    let certificateFile: String
    let keyFile: String
    /// The HTTP/1.1 client the registry code uses; a peer that does not connect within this is unreachable.
    let http = RegistryHTTP(connectTimeout: .seconds(3))
    private let context = NIOLockedValueBox<NIOSSLContext?>(nil)

    init(caFile: String, certificateFile: String, keyFile: String) {
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.keyFile = keyFile
    }

    /// The client TLS context: this agent's certificate, the store's CA as the only root.
    func tls() throws -> NIOSSLContext {
        try context.withLockedValue { context in
            if let context { return context }
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(certificateFile).map { .certificate($0) }
            configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem))
            configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile))
            // Every certificate the CA signed is one of the store's machines; the address is the controller's word.
            configuration.certificateVerification = .noHostnameVerification
            configuration.minimumTLSVersion = .tlsv12
            let made = try NIOSSLContext(configuration: configuration)
            context = made
            return made
        }
    }

    func push(_ push: DataPlane.Push) async throws -> Response {
        let identity = try FileIdentity.lookup(push.user)
        let path = push.path
        let fd = try await identity.run { () throws -> Int32 in
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw LocalSide.error(path, errno) }
            return fd
        }
        defer { close(fd) }
        let tls: NIOSSLContext
        do { tls = try self.tls() } catch {
            return try .json(DataPlane.Failure(cause: "unreachable", message: "no client TLS here: \(error)", path: path),
                             status: .badGateway)
        }
        let digest = SHA256Digest()
        let token = UUID().uuidString.lowercased()
        let end = push.offset + push.length
        var at = push.offset
        var written: UInt64 = 0
        while true {
            let want = Int(min(UInt64(DataPlane.chunk), end - at)), from = at
            let bytes = try await Blocking.run { () throws -> [UInt8] in
                try [UInt8](unsafeUninitializedCapacity: want) { buffer, count in
                    count = 0
                    while count < want {
                        let n = pread(fd, buffer.baseAddress! + count, want - count, off_t(from) + off_t(count))
                        if n < 0 {
                            if errno == EINTR { continue }
                            throw LocalSide.error(path, errno)
                        }
                        if n == 0 { break }
                        count += n
                    }
                }
            }
            bytes.withUnsafeBytes { digest.update($0) }
            // The last part: the stretch's end, or the file's (it shrank since the copy was planned).
            let final = bytes.count < want || at + UInt64(bytes.count) >= end
            var items = [("user", push.destinationUser), ("path", push.destination),
                         ("offset", "\(push.destinationOffset + written)"), ("upload", token)]
            if final { items.append(("final", "1")) }
            guard let url = RegistryURL(push.to + DataPlane.prefix + "/file?" + DataPlane.query(items)) else {
                return .message(.badRequest, "bad destination agent address \(push.to)")
            }
            let (status, body): (Int, [UInt8])
            do {
                (status, body) = try await http.execute(.PUT, url, headers: [("Content-Type", "application/octet-stream")],
                                                        body: .bytes(bytes), tls: tls) { r in
                    (r.status, try await r.collect())
                }
            } catch let error as RegistryError {
                return try .json(DataPlane.Failure(cause: "unreachable", message: Self.reason(error),
                                                   path: push.destination), status: .badGateway)
            }
            guard status == 200 else {
                // The other agent refused the part (no space, no permission): its failure, marked as the destination's.
                return passedOn(status, body)
            }
            at += UInt64(bytes.count)
            written += UInt64(bytes.count)
            if final {
                let stored = try JSONDecoder().decode(DataPlane.Answer.self, from: Data(body))
                var answer = DataPlane.Answer()
                answer.written = stored.written
                answer.sha256 = digest.finalize()
                answer.destinationSha256 = stored.sha256
                return try .json(answer)
            }
        }
    }
}
