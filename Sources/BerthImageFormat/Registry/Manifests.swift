#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The media types of the registry API (Docker v2 schema 2 and OCI).
public enum MediaType {
    public static let dockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
    public static let dockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json"
    public static let dockerSchema1 = "application/vnd.docker.distribution.manifest.v1+json"
    public static let dockerSchema1Signed = "application/vnd.docker.distribution.manifest.v1+prettyjws"
    public static let dockerConfig = "application/vnd.docker.container.image.v1+json"
    public static let dockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip"
    public static let dockerForeignLayer = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"
    public static let ociManifest = "application/vnd.oci.image.manifest.v1+json"
    public static let ociIndex = "application/vnd.oci.image.index.v1+json"
    public static let ociConfig = "application/vnd.oci.image.config.v1+json"
    public static let ociLayer = "application/vnd.oci.image.layer.v1.tar"
    public static let ociLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip"
    public static let ociLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd"

    /// What a pull accepts, in the `Accept` header.
    public static let acceptedManifests = [dockerManifest, dockerManifestList, ociManifest, ociIndex]
}

public struct Platform: Codable, Sendable, Equatable {
    public var architecture: String
    public var os: String
    public var variant: String?

    public init(architecture: String, os: String, variant: String? = nil) {
        self.architecture = architecture
        self.os = os
        self.variant = variant
    }
}

public struct Descriptor: Codable, Sendable, Equatable {
    public var mediaType: String
    public var size: Int64
    public var digest: String
    public var urls: [String]?
    public var platform: Platform?

    public init(mediaType: String, size: Int64, digest: String, platform: Platform? = nil) {
        self.mediaType = mediaType
        self.size = size
        self.digest = digest
        self.platform = platform
    }
}

/// One image: a config blob and its layers, bottom first.
public struct ImageManifest: Codable, Sendable, Equatable {
    public var schemaVersion: Int
    public var mediaType: String?
    public var config: Descriptor
    public var layers: [Descriptor]

    public init(mediaType: String = MediaType.dockerManifest, config: Descriptor, layers: [Descriptor]) {
        schemaVersion = 2
        self.mediaType = mediaType
        self.config = config
        self.layers = layers
    }

    /// The bytes a push sends (their digest names the manifest), indented as distribution's MarshalIndent does.
    public func encoded() -> Data {
        func descriptor(_ d: Descriptor, _ indent: String) -> String {
            "{\n\(indent)   \"mediaType\": \"\(d.mediaType)\",\n\(indent)   \"size\": \(d.size),\n"
                + "\(indent)   \"digest\": \"\(d.digest)\"\n\(indent)}"
        }
        var text = "{\n   \"schemaVersion\": 2,\n   \"mediaType\": \"\(mediaType ?? MediaType.dockerManifest)\",\n"
        text += "   \"config\": " + descriptor(config, "   ") + ",\n   \"layers\": ["
        text += layers.isEmpty ? "]\n}" : "\n" + layers.map { "      " + descriptor($0, "      ") }.joined(separator: ",\n")
            + "\n   ]\n}"
        return Data(text.utf8)
    }
}

/// A manifest list or OCI index: one manifest per platform.
public struct ManifestIndex: Codable, Sendable, Equatable {
    public var schemaVersion: Int
    public var mediaType: String?
    public var manifests: [Descriptor]

    /// The entry for `platform`: same OS and architecture, the same variant when both name one, else the first.
    public func select(_ platform: Platform) -> Descriptor? {
        let candidates = manifests.filter {
            $0.platform?.os == platform.os && $0.platform?.architecture == platform.architecture
        }
        if let variant = platform.variant, let exact = candidates.first(where: { $0.platform?.variant == variant }) {
            return exact
        }
        return candidates.first
    }
}

/// What a manifest URL returned.
public enum ManifestDocument: Sendable, Equatable {
    case image(ImageManifest)
    case index(ManifestIndex)

    public enum ParseError: Error, CustomStringConvertible, Equatable {
        case schema1
        case unsupported(String)
        case invalid(String)
        public var description: String {
            switch self {
            case .schema1:
                return "Docker Image Format v1 and Docker Image manifest version 2, schema 1 support has been "
                    + "removed. Suggest the author of the image to upgrade it to manifest version 2, schema 2"
            case .unsupported(let type): return "unsupported manifest media type: \(type)"
            case .invalid(let why): return "invalid manifest: \(why)"
            }
        }
    }

    /// Reads a manifest by its `Content-Type` (or its own `mediaType`, or its shape when both are vague).
    public static func parse(_ data: Data, contentType: String?) throws -> ManifestDocument {
        struct Probe: Decodable { var schemaVersion: Int?; var mediaType: String?; var manifests: [Descriptor]?; var config: Descriptor? }
        let probe: Probe
        do { probe = try JSONDecoder().decode(Probe.self, from: data) } catch { throw ParseError.invalid("\(error)") }
        var type = contentType.map { String($0.split(separator: ";")[0]).trimmedSpace } ?? ""
        if type.isEmpty || type == "application/json" || type == "text/plain" || type == "application/octet-stream" {
            type = probe.mediaType ?? (probe.manifests != nil ? MediaType.ociIndex : probe.config != nil ? MediaType.ociManifest : "")
        }
        if probe.schemaVersion == 1 || type == MediaType.dockerSchema1 || type == MediaType.dockerSchema1Signed {
            throw ParseError.schema1
        }
        do {
            switch type {
            case MediaType.dockerManifest, MediaType.ociManifest:
                return .image(try JSONDecoder().decode(ImageManifest.self, from: data))
            case MediaType.dockerManifestList, MediaType.ociIndex:
                return .index(try JSONDecoder().decode(ManifestIndex.self, from: data))
            default:
                throw ParseError.unsupported(type.isEmpty ? "(none)" : type)
            }
        } catch let error as ParseError {
            throw error
        } catch {
            throw ParseError.invalid("\(error)")
        }
    }
}
