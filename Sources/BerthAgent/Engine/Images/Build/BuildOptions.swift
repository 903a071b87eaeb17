#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import BerthCore

/// The query of `POST /build` that the legacy builder honours.
struct BuildOptions: Sendable {
    var tags: [ImageReference] = []
    var dockerfile = "Dockerfile"
    /// `--build-arg`: a nil value means "take it from the environment", which the CLI already did.
    var buildArgs: [String: String?] = [:]
    var labels: [String: String] = [:]
    var quiet = false
    var remove = true
    var forceRemove = false
    /// `--no-cache`: every step runs.
    var noCache = false
    /// `--add-host` and `--network` for the containers of RUN steps.
    var extraHosts: [String] = []
    var networkMode: NetworkMode = .bridge
    /// `--cache-from`: when given, only steps these images were built through are taken from the cache.
    var cacheFrom: [String] = []
    /// `--target`: the stage the build ends with.
    var target: String?

    init(query: QueryParameters) throws {
        for tag in query.values("t") where !tag.isEmpty {
            guard let reference = ImageReference(parsing: tag) else {
                throw APIError.invalidArgument("invalid reference format: repository name (\(tag)) must be lowercase")
            }
            tags.append(reference)
        }
        if let name = query["dockerfile"], !name.isEmpty { dockerfile = name }
        if let text = query["buildargs"], !text.isEmpty {
            do {
                buildArgs = try JSONDecoder().decode([String: String?].self, from: Data(text.utf8))
            } catch {
                throw APIError.invalidArgument("invalid buildargs: \(text)")
            }
        }
        if let text = query["labels"], !text.isEmpty {
            do {
                labels = try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
            } catch {
                throw APIError.invalidArgument("invalid labels: \(text)")
            }
        }
        quiet = query.bool("q")
        remove = query["rm"] == nil ? true : query.bool("rm")
        forceRemove = query.bool("forcerm")
        noCache = query.bool("nocache")
        // docker sends one `extrahosts` per --add-host; some clients join them with commas
        extraHosts = query.values("extrahosts").flatMap { $0.split(separator: ",").map(String.init) }
        for entry in extraHosts {
            do { _ = try SandboxFiles.extraHostLine(entry, gateway: IPv4Address("0.0.0.0")) } catch let error as BerthError {
                throw APIError.invalidArgument(error.description)
            }
        }
        if let target = query["target"], !target.isEmpty { self.target = target }
        if let text = query["cachefrom"], !text.isEmpty {
            do {
                cacheFrom = try JSONDecoder().decode([String].self, from: Data(text.utf8))
            } catch {
                throw APIError.invalidArgument("invalid cachefrom: \(text)")
            }
        }
        networkMode = NetworkMode(parsing: query["networkmode"])
        if case .container = networkMode {
            throw APIError.invalidArgument("network mode \(networkMode.text) is not supported for builds")
        }
        if query["remote"].map({ !$0.isEmpty }) ?? false {
            throw APIError.notImplemented("building from a remote context is not supported")
        }
    }
}
