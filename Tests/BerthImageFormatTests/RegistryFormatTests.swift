@testable import BerthImageFormat
import Foundation
import Testing

@Suite("Registry references, manifests, auth and progress") struct RegistryFormatTests {
    @Test(arguments: [
        ("busybox", "docker.io", "library/busybox", "busybox", "latest"),
        ("busybox:1.36", "docker.io", "library/busybox", "busybox", "1.36"),
        ("docker.io/library/busybox", "docker.io", "library/busybox", "busybox", "latest"),
        ("index.docker.io/someone/tool:v2", "docker.io", "someone/tool", "someone/tool", "v2"),
        ("localhost/web", "localhost", "web", "localhost/web", "latest"),
        ("10.213.91.3:5000/lab/web:1", "10.213.91.3:5000", "lab/web", "10.213.91.3:5000/lab/web", "1"),
        ("registry.example:443/a.b/c_d__e-f", "registry.example:443", "a.b/c_d__e-f", "registry.example:443/a.b/c_d__e-f", "latest"),
    ])
    func normalisedAsDocker(text: String, domain: String, path: String, familiar: String, tag: String) throws {
        let ref = try DistributionReference(parsing: text).withDefaultTag
        #expect(ref.domain == domain)
        #expect(ref.path == path)
        #expect(ref.familiarName == familiar)
        #expect(ref.tag == tag)
    }

    @Test func digestsAndHosts() throws {
        let digest = "sha256:" + String(repeating: "ab", count: 32)
        let ref = try DistributionReference(parsing: "busybox@" + digest)
        #expect(ref.digest == digest && ref.tag == nil)
        #expect(ref.withDefaultTag.tag == nil)
        #expect(ref.manifestReference == digest)
        #expect(ref.registryHost == "registry-1.docker.io")
        #expect(ref.familiarDigested(digest) == "busybox@" + digest)
        #expect(try DistributionReference(parsing: "h:5000/x").registryHost == "h:5000")
    }

    @Test(arguments: ["", "Busybox", "bad name", "a//b", "-a", "a:", "a@sha256:12", "a:-x", "h:x/a", "a_/b"])
    func refusedAsDocker(text: String) {
        #expect(throws: DistributionReference.ParseError.self) { try DistributionReference(parsing: text) }
    }

    @Test func uppercaseRepositoryNamesTheRule() {
        #expect(throws: DistributionReference.ParseError.uppercase("x/Web")) { try DistributionReference(parsing: "x/Web") }
    }

    @Test func manifestListPicksThePlatform() throws {
        let json = """
        {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","manifests":[
         {"mediaType":"application/vnd.docker.distribution.manifest.v2+json","size":1,"digest":"sha256:arm","platform":{"architecture":"arm64","os":"linux","variant":"v8"}},
         {"mediaType":"application/vnd.docker.distribution.manifest.v2+json","size":2,"digest":"sha256:amd","platform":{"architecture":"amd64","os":"linux"}}]}
        """
        guard case .index(let index) = try ManifestDocument.parse(Data(json.utf8), contentType: MediaType.dockerManifestList)
        else { Issue.record("not an index"); return }
        #expect(index.select(Platform(architecture: "amd64", os: "linux"))?.digest == "sha256:amd")
        #expect(index.select(Platform(architecture: "arm64", os: "linux", variant: "v8"))?.digest == "sha256:arm")
        #expect(index.select(Platform(architecture: "s390x", os: "linux")) == nil)
    }

    @Test func imageManifestRoundTripsAndSchema1IsRefused() throws {
        let manifest = ImageManifest(
            config: Descriptor(mediaType: MediaType.dockerConfig, size: 10, digest: "sha256:c"),
            layers: [Descriptor(mediaType: MediaType.dockerLayerGzip, size: 20, digest: "sha256:l")])
        let data = manifest.encoded()
        #expect(try ManifestDocument.parse(data, contentType: nil) == .image(manifest))
        #expect(String(decoding: data, as: UTF8.self).hasPrefix("{\n   \"schemaVersion\": 2,\n"))
        #expect(throws: ManifestDocument.ParseError.schema1) {
            try ManifestDocument.parse(Data(#"{"schemaVersion":1,"name":"x"}"#.utf8), contentType: "application/json")
        }
        #expect(throws: ManifestDocument.ParseError.self) { try ManifestDocument.parse(Data("nope".utf8), contentType: nil) }
    }

    @Test func registryAuthHeaderAsTheCLISendsIt() throws {
        let json = #"{"username":"u","password":"p?>","serveraddress":"h:5000"}"#
        let url = Data(json.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        let credentials = try #require(try RegistryCredentials.decodeHeader(url))
        #expect(credentials.basicPair! == ("u", "p?>"))
        #expect(try RegistryCredentials.decodeHeader("e30=") == nil)  // "{}"
        #expect(try RegistryCredentials.decodeHeader(nil) == nil)
        #expect(throws: RegistryCredentials.AuthError.self) { try RegistryCredentials.decodeHeader("!!!") }
        var viaAuth = RegistryCredentials()
        viaAuth.auth = Data("a:b:c".utf8).base64EncodedString()
        #expect(viaAuth.basicPair! == ("a", "b:c"))
    }

    @Test func challenges() throws {
        let bearer = try #require(AuthChallenge(header:
            #"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull""#))
        #expect(bearer.scheme == "bearer")
        #expect(bearer.realm == "https://auth.docker.io/token")
        #expect(bearer.parameters["scope"] == "repository:library/busybox:pull")
        let basic = try #require(AuthChallenge(header: #"Basic realm="berth-registry""#))
        #expect(basic.scheme == "basic" && basic.realm == "berth-registry")
        #expect(AuthChallenge(header: "") == nil)
    }

    @Test func progressLinesAsDockerd() {
        #expect(ProgressMessage("Pulling fs layer", id: "a3ed95caeb02", detail: true).line
                == #"{"status":"Pulling fs layer","progressDetail":{},"id":"a3ed95caeb02"}"# + "\n")
        let line = ProgressMessage("Downloading", id: "x", current: 1_234_567, total: 2_000_000).line
        #expect(line.hasPrefix(#"{"status":"Downloading","progressDetail":{"current":1234567,"total":2000000},"progress":"[==============================>"#))
        #expect(line.contains("1.235MB/2MB"))
        #expect(ProgressMessage("Digest: sha256:1").line == #"{"status":"Digest: sha256:1"}"# + "\n")
        #expect(ProgressMessage.error("a \"b\"") == #"{"errorDetail":{"message":"a \"b\""},"error":"a \"b\""}"# + "\n")
        #expect(HumanSize.format(512) == "512B")
        #expect(HumanSize.format(1_500) == "1.5kB")
        #expect(HumanSize.format(4_194_304) == "4.194MB")
        #expect(ProgressMessage.shortID("sha256:0123456789abcdef") == "0123456789ab")
    }
}
