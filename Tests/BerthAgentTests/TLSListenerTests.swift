import BerthAgent
import BerthCerts
import Foundation
import Testing

private let curlExists = Tool.exists("/usr/bin/curl")

/// The mutual-TLS listener, checked with curl as the client.
@Suite("TLS listener", .enabled(if: curlExists), .serialized)
struct TLSListenerTests {
    @Test func pingWithClientCertificate() async throws {
        let agent = try await TestAgent()
        let result = try await agent.curl(["-i", agent.baseURL + "/_ping"])
        await agent.stop()
        let reply = try #require(HTTPReply(curlOutput: result.stdout), "\(result.stderr)")
        #expect(reply.status == 200)
        #expect(reply.body == "OK")
        #expect(reply.headers["cache-control"] == "no-cache, no-store, must-revalidate")
        #expect(reply.headers["pragma"] == "no-cache")
        #expect(reply.headers["builder-version"] == "1")
        #expect(reply.headers["api-version"] == "1.50")
    }

    @Test func headPingAnswersHeadersOnly() async throws {
        let agent = try await TestAgent()
        let result = try await agent.curl(["-I", agent.baseURL + "/_ping"])
        await agent.stop()
        let reply = try #require(HTTPReply(curlOutput: result.stdout))
        #expect(reply.status == 200)
        #expect(reply.body.isEmpty)
        #expect(reply.headers["ostype"] == "linux")
        #expect(reply.headers["cache-control"] == "no-cache, no-store, must-revalidate")
    }

    @Test func clientWithoutCertificateIsRefused() async throws {
        let agent = try await TestAgent()
        let result = try await Tool.run("/usr/bin/curl", ["-sS", "--max-time", "10", "--cacert", agent.caFile,
                                                          agent.baseURL + "/_ping"])
        await agent.stop()
        #expect(result.status != 0)
        #expect(!result.stdout.contains("OK"))
    }

    @Test func clientCertificateFromAnotherCAIsRefused() async throws {
        let agent = try await TestAgent()
        let otherCA = try CertificateFactory.makeCA(organization: "mallory")
        let other = try CertificateFactory.makeClient(signedBy: otherCA, organization: "mallory")
        let cert = try agent.write(other.certificatePEM, "other-cert.pem")
        let key = try agent.write(other.privateKeyPEM, "other-key.pem")
        let result = try await Tool.run("/usr/bin/curl", ["-sS", "--max-time", "10", "--cacert", agent.caFile,
                                                          "--cert", cert, "--key", key, agent.baseURL + "/_ping"])
        await agent.stop()
        #expect(result.status != 0)
        #expect(!result.stdout.contains("OK"))
    }

    @Test func plainHTTPOnTheTLSPortFails() async throws {
        let agent = try await TestAgent()
        let result = try await Tool.run("/usr/bin/curl", ["-sS", "--max-time", "10", "-o", "/dev/null",
                                                          "-w", "%{http_code}", "http://127.0.0.1:\(agent.port)/_ping"])
        // The server still answers afterwards.
        let after = try await agent.curl([agent.baseURL + "/_ping"])
        await agent.stop()
        #expect(result.status != 0)
        #expect(result.stdout != "200")
        #expect(after.stdout == "OK")
    }

    @Test(arguments: ["/_ping", "/version", "/info", "/nope", "/v1.12/version", "/v1.99/info", "/v1.47/version"])
    func everyResponseCarriesTheStandardHeaders(path: String) async throws {
        let agent = try await TestAgent()
        let result = try await agent.curl(["-i", agent.baseURL + path])
        await agent.stop()
        let reply = try #require(HTTPReply(curlOutput: result.stdout))
        #expect(reply.headers["server"] == "Berth/\(AgentBuild.version) (linux)")
        #expect(reply.headers["api-version"] == "1.50")
        #expect(reply.headers["ostype"] == "linux")
        #expect(reply.headers["docker-experimental"] == "false")
    }

    @Test func errorsAreJSONWithDockersStatus() async throws {
        let agent = try await TestAgent()
        let notFound = try await agent.curl(["-i", agent.baseURL + "/nope"])
        let tooOld = try await agent.curl(["-i", agent.baseURL + "/v1.12/version"])
        let wrongMethod = try await agent.curl(["-i", "-X", "DELETE", agent.baseURL + "/version"])
        await agent.stop()
        let a = try #require(HTTPReply(curlOutput: notFound.stdout))
        #expect(a.status == 404)
        #expect(a.body == "{\"message\":\"page not found\"}\n")
        #expect(a.headers["content-type"] == "application/json")
        let b = try #require(HTTPReply(curlOutput: tooOld.stdout))
        #expect(b.status == 400)
        #expect(b.body.contains("client version 1.12 is too old. Minimum supported API version is 1.24"))
        let c = try #require(HTTPReply(curlOutput: wrongMethod.stdout))
        #expect(c.status == 405)
        #expect(c.headers["allow"] == "GET")
    }

    @Test func versionReportsTheBerthEngine() async throws {
        let agent = try await TestAgent()
        let result = try await agent.curl([agent.baseURL + "/v1.47/version"])
        await agent.stop()
        let version = try JSONDecoder().decode(EngineVersion.self, from: Data(result.stdout.utf8))
        #expect(version.platform.name == "Berth Engine")
        #expect(version.version == AgentBuild.version)
        #expect(version.apiVersion == "1.50")
        #expect(version.minAPIVersion == "1.24")
        #expect(version.os == "linux")
        #expect(version.arch == "amd64")
        #expect(!version.kernelVersion.isEmpty)
        let engine = try #require(version.components.first)
        #expect(engine.name == "Engine")
        #expect(engine.details?["ApiVersion"] == "1.50")
        #expect(engine.details?["Experimental"] == "false")
    }

    @Test func infoReportsRealValuesAndAStableID() async throws {
        let agent = try await TestAgent()
        let first = try await agent.curl([agent.baseURL + "/info"])
        let second = try await agent.curl([agent.baseURL + "/info"])
        let stored = try String(contentsOfFile: agent.configuration.dataRoot + "/engine-id", encoding: .utf8)
        await agent.stop()
        let info = try JSONDecoder().decode(EngineInfo.self, from: Data(first.stdout.utf8))
        let again = try JSONDecoder().decode(EngineInfo.self, from: Data(second.stdout.utf8))
        #expect(info.id == again.id)
        #expect(info.id == stored.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(info.ncpu >= 1)
        #expect(info.memTotal > 0)
        #expect(info.dockerRootDir == agent.configuration.dataRoot)
        #expect(info.labels == ["test=1", "zone=lab"])
        #expect(info.serverVersion == AgentBuild.version)
        #expect(info.driver == "overlay2")
        #expect(info.swarm.localNodeState == "inactive")
        #expect(info.osType == "linux")
        #expect(info.architecture == "x86_64")
        #expect(info.plugins.network == ["bridge", "host", "null"])
        #expect(!info.operatingSystem.isEmpty)
    }

    @Test func keepAliveReusesTheConnection() async throws {
        let agent = try await TestAgent()
        let result = try await agent.curl(["-v", agent.baseURL + "/_ping", agent.baseURL + "/v1.47/_ping"])
        await agent.stop()
        #expect(result.stdout == "OKOK")
        #expect(result.stderr.contains("Re-using existing connection") || result.stderr.contains("Reusing existing"))
    }
}
