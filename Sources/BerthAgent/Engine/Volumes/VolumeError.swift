/// Volume failures with docker's wording.
enum VolumeError: Error, APIErrorConvertible, CustomStringConvertible {
    case noSuchVolume(String)
    case inUse(name: String, containers: [String])
    case invalidName(String)
    case unknownDriver(String)
    case invalidOption(String)
    case unsupportedOptions(String)
    case invalidSpec(String)
    case invalidMount(type: String, reason: String)
    case duplicateMountPoint(String)

    var description: String {
        switch self {
        case .noSuchVolume(let name): return "get \(name): no such volume"
        case .inUse(let name, let ids): return "remove \(name): volume is in use - [\(ids.joined(separator: ", "))]"
        case .invalidName(let name):
            return "create \(name): \"\(name)\" includes invalid characters for a local volume name, only "
                + "\"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute path"
        case .unknownDriver(let name):
            return "error looking up volume plugin \(name): plugin \"\(name)\" not found"
        case .invalidOption(let key): return "invalid option: \"\(key)\""
        case .unsupportedOptions(let text): return text
        case .invalidSpec(let spec): return "invalid volume specification: '\(spec)'"
        case .invalidMount(let type, let reason): return "invalid mount config for type \"\(type)\": \(reason)"
        case .duplicateMountPoint(let path): return "Duplicate mount point: \(path)"
        }
    }

    var apiError: APIError {
        switch self {
        case .noSuchVolume, .unknownDriver: return .notFound(description)
        case .inUse: return .conflict(description)
        case .invalidName, .invalidOption, .unsupportedOptions, .invalidSpec, .invalidMount, .duplicateMountPoint:
            return .invalidArgument(description)
        }
    }
}
