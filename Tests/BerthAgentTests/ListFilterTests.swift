@testable import BerthAgent
import BerthCore
import Testing

/// `GET /images/json` and `GET /networks` filters as dockerd applies them, and legacy links on user networks.
@Suite struct ListFilterTests {
    func image(_ tags: [String], created: Int = 100, labels: [String: String] = [:]) -> ImageSummary {
        ImageSummary(Id: "sha256:" + String(repeating: "a", count: 64), ParentId: "", RepoTags: tags, RepoDigests: [],
                     Created: created, Size: 0, SharedSize: -1, VirtualSize: 0, Labels: labels, Containers: 0)
    }

    @Test func referenceCutsTagsToTheMatchingOnes() throws {
        let filter = try ImageListFilter(query: #"{"reference":["busybox"]}"#)
        let shown = filter.apply(image(["alpine:3.10", "busybox:latest", "busybox:1"]))
        #expect(shown?.RepoTags == ["busybox:latest", "busybox:1"])
        #expect(filter.apply(image(["alpine:3.10"])) == nil)
        let glob = try ImageListFilter(query: #"{"reference":{"alp*:3.*":true}}"#)
        #expect(glob.apply(image(["alpine:3.10", "alpine:latest"]))?.RepoTags == ["alpine:3.10"])
    }

    @Test func danglingLabelsAndTimes() throws {
        let dangling = try ImageListFilter(query: #"{"dangling":["true"]}"#)
        #expect(dangling.apply(image([])) != nil)
        #expect(dangling.apply(image(["bb:latest"])) == nil)
        let labelled = try ImageListFilter(query: #"{"label":["tier=web"]}"#)
        #expect(labelled.apply(image(["a:1"], labels: ["tier": "web"])) != nil)
        #expect(labelled.apply(image(["a:1"], labels: ["tier": "db"])) == nil)
        var since = try ImageListFilter(query: #"{"since":["a:1"]}"#)
        since.since = 100
        #expect(since.apply(image(["b:1"], created: 101)) != nil)
        #expect(since.apply(image(["b:1"], created: 100)) == nil)
        #expect(throws: APIError.self) { try ImageListFilter(query: #"{"color":["red"]}"#) }
        #expect(throws: APIError.self) { try ImageListFilter(query: #"{"dangling":["maybe"]}"#) }
    }

    @Test func networkFilters() throws {
        let record = NetworkRecord(id: "4cab4714b86d9626", name: "front", driver: "bridge", created: "", pool: nil,
                                   bridge: nil, mtu: nil, internal: false, userSubnet: false, predefined: false,
                                   labels: ["env": "lab"], options: [:])
        let network = NetworkResource(record, endpoints: [])
        func passes(_ json: String) throws -> Bool { NetworkRoutes.matches(network, try FilterArgs.parse(json)) }
        #expect(try passes(#"{"id":["4cab47"]}"#))
        #expect(try passes(#"{"id":["4cab4714b86d9626"]}"#))
        #expect(try !passes(#"{"id":["fdhjklfdfdshjkfds"]}"#))
        #expect(try passes(#"{"name":{"fro":true}}"#))
        #expect(try !passes(#"{"name":["back"]}"#))
        #expect(try passes(#"{"label":["env"],"driver":["bridge"],"type":["custom"],"scope":["local"]}"#))
        #expect(try !passes(#"{"label":["env=prod"]}"#))
        #expect(try passes(#"{"dangling":["true"]}"#))
    }

    @Test(arguments: [
        ("busybox", "busybox", true), ("busy*", "busybox", true), ("busybox:*", "busybox:latest", true),
        ("*", "lab/web", false), ("*/web", "lab/web", true), ("b?sybox", "busybox", true),
        ("[a-c]usybox", "busybox", true), ("[^a-c]usybox", "busybox", false), ("bb\\*", "bb*", true),
        ("busybox", "busybox:latest", false), ("[", "[", false),
    ])
    func globMatchesAsGo(pattern: String, name: String, expected: Bool) {
        #expect(ImageListFilter.pathMatch(pattern, name) == expected)
    }

    @Test func linksByAlias() {
        #expect(NetworkStore.links(["docker-py-test-upstream:bar", "/db", "Web:Site"])
                == ["bar": "docker-py-test-upstream", "db": "db", "site": "Web"])
        #expect(NetworkStore.links([]) == nil)
    }
}
