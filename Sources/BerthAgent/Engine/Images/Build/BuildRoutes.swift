#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import BerthImageFormat
import NIOCore
import NIOHTTP1

/// `POST /build`: the legacy builder (`DOCKER_BUILDKIT=0 docker build`).
enum BuildRoutes {
    static func register(on router: inout Router, context: EngineContext) {
        router.post("/build") { request in try await build(request, context: context) }
        router.post("/build/prune") { _ in
            let (keys, bytes) = await context.images.pruneBuildCache()
            return try .json(BuildPruneResponse(CachesDeleted: keys.isEmpty ? nil : keys, SpaceReclaimed: bytes))
        }
    }

    static func build(_ request: Request, context: EngineContext) async throws -> Response {
        let options = try BuildOptions(query: request.query)
        let body = [UInt8](request.body.readableBytesView)
        // Problems found before any output are plain error responses, as dockerd sends them.
        var buildContext: BuildContext
        do {
            buildContext = try await Blocking.run {
                try BuildContext(tar: try GzipStream.decompressed(body), dockerfile: options.dockerfile)
            }
        } catch let error as TarError {
            throw APIError.invalidArgument("invalid build context: \(error)")
        } catch let error as GzipStream.Failure {
            throw APIError.invalidArgument("invalid build context: \(error)")
        }
        guard let file = buildContext.files[TarEntry.clean(options.dockerfile)], file.entry.type == .file else {
            throw APIError.invalidArgument("Cannot locate specified Dockerfile: \(options.dockerfile)")
        }
        let parsed: (escape: Character, instructions: [DockerfileInstruction])
        do {
            parsed = try Dockerfile.parse(String(decoding: file.data, as: UTF8.self))
        } catch let error as DockerfileError {
            throw APIError.invalidArgument(error.message)
        }
        buildContext.dropIgnoredControlFiles(dockerfile: options.dockerfile)
        guard !parsed.instructions.isEmpty else {
            throw APIError.invalidArgument("the Dockerfile (\(options.dockerfile)) cannot be empty")
        }
        guard let firstReal = parsed.instructions.first(where: { $0.keyword != "ARG" }), firstReal.keyword == "FROM" else {
            throw APIError.invalidArgument("no build stage in current context")
        }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        let builder = Builder(context: context, options: options, buildContext: buildContext,
                              escape: parsed.escape, instructions: parsed.instructions)
        return Response(headers: headers, body: .stream { writer in
            await builder.run { text in try? await writer.write(text) }
        })
    }
}

/// `POST /build/prune`: the build cache entries removed (their images' layers stay with the images that use them).
struct BuildPruneResponse: Codable, Sendable {
    var CachesDeleted: [String]?
    var SpaceReclaimed: Int
}
