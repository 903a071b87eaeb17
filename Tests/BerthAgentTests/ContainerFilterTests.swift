@testable import BerthAgent
import Testing

@Suite("docker ps filters")
struct ContainerFilterTests {
    func record(name: String, status: String, exit: Int = 0, labels: [String: String] = [:]) -> ContainerRecord {
        var config = ContainerConfig()
        config.Labels = labels
        var r = ContainerRecord(id: "abcdef0123456789", name: name, created: "2026-01-01T00:00:00Z",
                                imageID: "sha256:1234567890ab", imageName: "bb", config: config,
                                hostConfig: HostConfig(), path: "sh", args: [])
        r.state.Status = status
        r.state.Running = status == "running"
        r.state.ExitCode = exit
        return r
    }

    @Test func bothQueryShapesParse() throws {
        #expect(try ContainerFilter(query: #"{"name":{"web":true}}"#).values == ["name": ["web"]])
        #expect(try ContainerFilter(query: #"{"name":["web"]}"#).values == ["name": ["web"]])
        #expect(try ContainerFilter(query: nil).values.isEmpty)
    }

    @Test func badFiltersAreRejected() {
        #expect(throws: APIError.self) { try ContainerFilter(query: #"{"colour":{"red":true}}"#) }
        #expect(throws: APIError.self) { try ContainerFilter(query: #"{"status":{"sleepy":true}}"#) }
        #expect(throws: APIError.self) { try ContainerFilter(query: "not json") }
    }

    @Test func keysAndValuesCombine() throws {
        let web = record(name: "web", status: "running", labels: ["tier": "front"])
        let job = record(name: "job", status: "exited", exit: 3)
        let f = { (q: String) in try ContainerFilter(query: q) }
        #expect(try f(#"{"name":{"we":true}}"#).matches(web))
        #expect(try !f(#"{"name":{"we":true}}"#).matches(job))
        #expect(try f(#"{"status":{"exited":true,"running":true}}"#).matches(job))
        #expect(try f(#"{"status":{"exited":true}}"#).impliesAll)
        #expect(try f(#"{"exited":{"3":true}}"#).matches(job))
        #expect(try !f(#"{"exited":{"0":true}}"#).matches(job))
        #expect(try f(#"{"label":{"tier=front":true}}"#).matches(web))
        #expect(try f(#"{"label":{"tier":true}}"#).matches(web))
        #expect(try !f(#"{"label":{"tier=back":true}}"#).matches(web))
        #expect(try f(#"{"id":{"abcd":true}}"#).matches(web))
        #expect(try f(#"{"ancestor":{"bb":true}}"#).matches(web))
        #expect(try f(#"{"ancestor":{"bb:latest":true}}"#).matches(web))
        #expect(try f(#"{"ancestor":{"1234":true}}"#).matches(web))
        #expect(try !f(#"{"ancestor":{"other":true}}"#).matches(web))
        #expect(try !f(#"{"name":{"web":true},"status":{"exited":true}}"#).matches(web))
    }
}
