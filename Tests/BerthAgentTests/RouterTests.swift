@testable import BerthAgent
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// The route table on its own: no sockets.
@Suite("Router")
struct RouterTests {
    let router: Router = {
        var router = Router()
        router.get("/_ping") { _ in .text("OK") }
        router.get("/containers/json") { _ in .text("list") }
        router.get("/containers/{id}/json") { request in .text("inspect \(try request.parameter("id"))") }
        router.post("/containers/{id}/start") { request in .text("start \(try request.parameter("id"))") }
        router.delete("/containers/{id}") { request in .text("rm \(try request.parameter("id"))") }
        router.post("/containers/prune") { _ in .text("prune") }
        router.get("/images/{name*}/json") { request in .text("image \(try request.parameter("name"))") }
        router.get("/version") { request in .text("api \(request.apiVersion)") }
        router.get("/fail/{kind}") { request in
            switch try request.parameter("kind") {
            case "conflict": throw APIError.conflict("name in use")
            case "routing": throw RoutingError.pageNotFound
            case "json": _ = try JSONDecoder().decode([String: Int].self, from: Data("{\"a\":\"b\"}".utf8))
            default: throw CancellationError()
            }
            return .noContent
        }
        return router
    }()

    private func call(_ method: HTTPMethod, _ target: String) async -> (Int, String, HTTPHeaders) {
        let response = await router.respond(to: Request(method: method, target: target))
        guard case .buffer(let buffer) = response.body else { return (Int(response.status.code), "", response.headers) }
        return (Int(response.status.code), String(buffer: buffer), response.headers)
    }

    @Test(arguments: ["/containers/json", "/v1.47/containers/json", "/v1.24/containers/json",
                      "/v1.40/containers/json?all=1"])
    func versionPrefixIsStripped(target: String) async {
        let (status, body, _) = await call(.GET, target)
        #expect(status == 200)
        #expect(body == "list")
    }

    @Test func negotiatedVersionReachesHandler() async {
        #expect(await call(.GET, "/v1.41/version").1 == "api 1.41")
        #expect(await call(.GET, "/version").1 == "api 1.50")
    }

    @Test func tooOldVersionIsRefusedWithDockersMessage() async {
        let (status, body, headers) = await call(.GET, "/v1.12/version")
        #expect(status == 400)
        #expect(body == #"{"message":"client version 1.12 is too old. Minimum supported API version is 1.24, please upgrade your client to a newer version"}"# + "\n")
        #expect(headers.first(name: "Content-Type") == "application/json")
    }

    @Test func tooNewVersionIsRefusedWithDockersMessage() async {
        let (status, body, _) = await call(.GET, "/v1.99/version")
        #expect(status == 400)
        #expect(body.contains("client version 1.99 is too new. Maximum supported API version is 1.50"))
    }

    @Test func unknownPathIs404PageNotFound() async {
        for target in ["/nope", "/v1.47/nope", "/containers", "/vx.1/containers/json"] {
            let (status, body, _) = await call(.GET, target)
            #expect(status == 404, "\(target)")
            #expect(body == "{\"message\":\"page not found\"}\n")
        }
    }

    @Test func wrongMethodIs405WithAllow() async {
        let (status, body, headers) = await call(.PUT, "/version")
        #expect(status == 405)
        #expect(body.contains("\"message\""))
        #expect(headers.first(name: "Allow") == "GET")
        // Every route whose pattern matches counts: `/containers/json` also fits `DELETE /containers/{id}`.
        #expect(await call(.PUT, "/containers/json").2.first(name: "Allow") == "GET, DELETE")
    }

    @Test func pathParametersAreDecoded() async {
        #expect(await call(.POST, "/containers/abc123/start").1 == "start abc123")
        #expect(await call(.GET, "/v1.47/containers/my%20box/json").1 == "inspect my box")
        #expect(await call(.DELETE, "/containers/abc").1 == "rm abc")
    }

    @Test func literalBeatsParameterAndMethodsShareAPath() async {
        #expect(await call(.POST, "/containers/prune").1 == "prune")
        #expect(await call(.DELETE, "/containers/prune").1 == "rm prune")
    }

    @Test func greedyParameterTakesSlashes() async {
        #expect(await call(.GET, "/images/library/busybox:latest/json").1 == "image library/busybox:latest")
        #expect(await call(.GET, "/images/busybox/json").1 == "image busybox")
    }

    @Test func headFallsBackToGet() async {
        let (status, _, _) = await call(.HEAD, "/containers/json")
        #expect(status == 200)
    }

    @Test(arguments: [("conflict", 409, "name in use"), ("routing", 404, "page not found"),
                      ("json", 400, "invalid JSON"), ("other", 500, "CancellationError")])
    func thrownErrorsMapToStatusAndMessage(kind: String, status: Int, message: String) async {
        let (code, body, headers) = await call(.GET, "/fail/\(kind)")
        #expect(code == status)
        #expect(body.contains(message))
        #expect(headers.first(name: "Content-Type") == "application/json")
        let decoded = try? JSONDecoder().decode(ErrorMessage.self, from: Data(body.utf8))
        #expect(decoded != nil)
    }
}
