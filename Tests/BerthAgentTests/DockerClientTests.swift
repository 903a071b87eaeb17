import BerthAgent
import Foundation
import Testing

private let dockerPath = "/usr/local/bin/docker"
private let python = Tool.find("python3")
private let dockerPyInstalled: Bool = {
    guard let python else { return false }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = ["-c", "import docker"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return false }
    process.waitUntilExit()
    return process.terminationStatus == 0
}()

/// The real clients the agent must satisfy: the docker CLI 28 and docker-py 7.
@Suite("Docker clients", .serialized)
struct DockerClientTests {
    /// `docker --tlsverify ... -H tcp://127.0.0.1:PORT <arguments>` with a private config directory.
    private func dockerTLS(_ agent: TestAgent, _ arguments: [String]) async throws -> Tool.Result {
        let environment = ["HOME": agent.directory, "DOCKER_CONFIG": agent.directory + "/docker-config",
                           "PATH": "/usr/local/bin:/usr/bin:/bin"]
        return try await Tool.run(dockerPath, ["--tlsverify", "--tlscacert", agent.caFile, "--tlscert", agent.certFile,
                                             "--tlskey", agent.keyFile, "-H", "tcp://127.0.0.1:\(agent.port)"]
                                  + arguments, environment: environment)
    }

    @Test(.enabled(if: Tool.exists(dockerPath)))
    func dockerVersionShowsTheBerthServer() async throws {
        let agent = try await TestAgent()
        let plain = try await dockerTLS(agent, ["version"])
        let formatted = try await dockerTLS(agent, ["version", "--format",
                                                 "{{.Server.Version}}|{{.Server.APIVersion}}|{{.Client.APIVersion}}"])
        await agent.stop()
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(plain.stdout.contains("Server: Berth Engine"))
        #expect(plain.stdout.contains(AgentBuild.version))
        #expect(plain.stdout.contains("1.50 (minimum version 1.24)"))
        #expect(formatted.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                == "\(AgentBuild.version)|1.50|1.50")
    }

    @Test(.enabled(if: Tool.exists(dockerPath)))
    func dockerInfoSucceeds() async throws {
        let agent = try await TestAgent()
        let result = try await dockerTLS(agent, ["info"])
        await agent.stop()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Server Version: \(AgentBuild.version)"))
        #expect(result.stdout.contains("Storage Driver: overlay2"))
        #expect(result.stdout.contains("Docker Root Dir: \(agent.configuration.dataRoot)"))
        #expect(result.stdout.contains("zone=lab"))
        #expect(!result.stderr.contains("ERROR"))
    }

    @Test(.enabled(if: Tool.exists(dockerPath)))
    func dockerOverTheUnixSocket() async throws {
        let agent = try await TestAgent()
        let environment = ["HOME": agent.directory, "DOCKER_CONFIG": agent.directory + "/docker-config"]
        let result = try await Tool.run(dockerPath, ["-H", "unix://" + agent.socketPath, "version", "--format",
                                                   "{{.Server.Version}}"], environment: environment)
        await agent.stop()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == AgentBuild.version)
    }

    @Test(.enabled(if: dockerPyInstalled))
    func dockerPyTalksToTheAgent() async throws {
        let agent = try await TestAgent()
        let script = """
            import docker, json, sys
            ca, cert, key, url = sys.argv[1:5]
            tls = docker.tls.TLSConfig(client_cert=(cert, key), ca_cert=ca, verify=True)
            client = docker.DockerClient(base_url=url, tls=tls, version="auto")
            version = client.version()
            info = client.info()
            print(json.dumps({"ping": client.ping(), "version": version["Version"], "api": version["ApiVersion"],
                              "negotiated": client.api.api_version, "name": info["Name"], "id": info["ID"]}))
            """
        // requests lets $REQUESTS_CA_BUNDLE override the session's CA file; keep the test's CA in charge.
        var environment = ProcessInfo.processInfo.environment
        environment["REQUESTS_CA_BUNDLE"] = nil
        environment["CURL_CA_BUNDLE"] = nil
        let result = try await Tool.run(python ?? "", ["-c", script, agent.caFile, agent.certFile, agent.keyFile,
                                                       "tcp://127.0.0.1:\(agent.port)"], environment: environment)
        await agent.stop()
        #expect(result.status == 0, "\(result.stderr)")
        let reply = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(reply?["ping"] as? Bool == true)
        #expect(reply?["version"] as? String == AgentBuild.version)
        #expect(reply?["api"] as? String == "1.50")
        #expect(reply?["negotiated"] as? String == "1.50")
        #expect((reply?["id"] as? String)?.count == 36)
    }
}
