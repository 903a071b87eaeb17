@testable import BerthAgent
import BerthImageFormat
import Foundation
import Testing

@Suite("Registry client: gzip, URLs, endpoints")
struct RegistryClientTests {
    @Test func gzipRoundTripsInAnyChunking() throws {
        var input = [UInt8]()
        for i in 0..<300_000 { input.append(UInt8((i * 7 + i / 13) & 0xff)) }
        var compressed = [UInt8]()
        let deflater = try GzipStream(.deflate(level: 1))
        try input.withUnsafeBytes { try deflater.feed($0) { compressed += $0 } }
        try deflater.finish { compressed += $0 }
        #expect(compressed.prefix(2) == [0x1f, 0x8b])
        for chunk in [1, 7, 4096, compressed.count] {
            var output = [UInt8]()
            let inflater = try GzipStream(.inflate)
            var offset = 0
            while offset < compressed.count {
                let end = min(offset + chunk, compressed.count)
                try compressed[offset..<end].withUnsafeBytes { try inflater.feed($0) { output += $0 } }
                offset = end
            }
            try inflater.finish { output += $0 }
            #expect(output == input, "chunk \(chunk)")
        }
    }

    @Test func gzipRefusesGarbageAndTruncation() throws {
        let garbage: [UInt8] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3] + [UInt8](repeating: 0xff, count: 64)
        let inflater = try GzipStream(.inflate)
        #expect(throws: GzipStream.Failure.self) { try garbage.withUnsafeBytes { try inflater.feed($0) { _ in } } }
        var compressed = [UInt8]()
        let deflater = try GzipStream(.deflate(level: 6))
        try [UInt8](repeating: 65, count: 10_000).withUnsafeBytes { try deflater.feed($0) { compressed += $0 } }
        try deflater.finish { compressed += $0 }
        let cut = try GzipStream(.inflate)
        try compressed.dropLast(4).withUnsafeBytes { try cut.feed($0) { _ in } }
        #expect(throws: GzipStream.Failure.self) { try cut.finish { _ in } }
    }

    @Test func urlsAndRedirects() throws {
        let url = try #require(RegistryURL("https://10.0.0.3:5000/v2/lab/app/blobs/uploads/?x=1"))
        #expect(url.host == "10.0.0.3" && url.port == 5000 && url.target == "/v2/lab/app/blobs/uploads/?x=1")
        #expect(url.adding(query: [("digest", "sha256:ab")]).target.hasSuffix("?x=1&digest=sha256%3Aab"))
        #expect(url.resolving("/v2/lab/app/blobs/uploads/uuid?_state=s")?.description
                == "https://10.0.0.3:5000/v2/lab/app/blobs/uploads/uuid?_state=s")
        #expect(url.resolving("http://cdn.example/x")?.authority == "cdn.example")
        #expect(RegistryURL("https://auth.docker.io/token")?.authority == "auth.docker.io")
        #expect(RegistryURL("ftp://x/") == nil && RegistryURL("https://:5/") == nil)
    }

    @Test func insecureRegistriesAndEndpointOrder() throws {
        var configuration = AgentConfiguration()
        configuration.insecureRegistries = ["10.1.0.0/16", "plain.lab:5002"]
        configuration.registryMirrors = ["https://mirror.lab:5000/"]
        configuration.certsDirectories = []
        let service = RegistryService(configuration: configuration)
        #expect(service.isInsecure("127.0.0.1:5000") && service.isInsecure("10.1.2.3:443")
                && service.isInsecure("plain.lab:5002"))
        #expect(!service.isInsecure("10.2.0.1:5000") && !service.isInsecure("plain.lab:5003"))
        let hub = try service.endpoints(for: try DistributionReference(parsing: "busybox"))
        #expect(hub.map(\.base.description) == ["https://mirror.lab:5000/", "https://registry-1.docker.io/"])
        #expect(hub.map(\.mirror) == [true, false])
        let plain = try service.endpoints(for: try DistributionReference(parsing: "plain.lab:5002/a/b"))
        #expect(plain.map(\.base.description) == ["https://plain.lab:5002/", "http://plain.lab:5002/"])
        #expect(service.infoConfig().mirrors == ["https://mirror.lab:5000/"])
        #expect(service.infoConfig().indexConfigs["plain.lab:5002"]?.secure == false)
    }

    @Test func registryErrorsReadAsDockerd() {
        let body = Array(#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{}}]}"#.utf8)
        let (code, text) = RegistryError.registryText(body, status: 404)
        #expect(code == "MANIFEST_UNKNOWN" && text == "manifest unknown: manifest unknown")
        #expect(RegistryError.registryText([], status: 502).text == "unexpected status code 502")
    }
}
