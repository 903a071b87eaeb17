#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Glibc
import Logging

extension AgentConfiguration {
    /// Reads and validates the JSON configuration at `path`.
    public static func load(contentsOf path: String) throws -> AgentConfiguration {
        guard access(path, R_OK) == 0 else {
            throw AgentConfigurationError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw AgentConfigurationError.unreadable(path: path, reason: "\(error)")
        }
        let configuration: AgentConfiguration
        do {
            configuration = try JSONDecoder().decode(AgentConfiguration.self, from: data)
        } catch let error as DecodingError {
            throw AgentConfigurationError.malformed(path: path, reason: APIError(from: error).message)
        } catch {
            throw AgentConfigurationError.malformed(path: path, reason: "\(error)")
        }
        try configuration.validate()
        return configuration
    }

    /// Checks ranges and consistency; the first problem is thrown.
    public func validate() throws {
        guard (0...65535).contains(port) else {
            throw AgentConfigurationError.invalid(key: "port", reason: "\(port) is not in 0...65535")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw AgentConfigurationError.invalid(
                key: "logLevel", reason: "\"\(logLevel)\" is not one of trace, debug, info, notice, warning, error, critical")
        }
        guard tcp || !unixSocket.isEmpty else {
            throw AgentConfigurationError.invalid(key: "tcp", reason: "no listener: tcp is false and unixSocket is empty")
        }
        if tcp {
            guard !host.isEmpty else { throw AgentConfigurationError.invalid(key: "host", reason: "empty") }
            for (key, value) in [("tlsCACert", tlsCACert), ("tlsCert", tlsCert), ("tlsKey", tlsKey)] where value.isEmpty {
                throw AgentConfigurationError.invalid(key: key, reason: "the TCP listener requires mutual TLS")
            }
        }
        for (key, value) in [("dataRoot", dataRoot), ("execRoot", execRoot)] where !value.hasPrefix("/") {
            throw AgentConfigurationError.invalid(key: key, reason: "\"\(value)\" is not an absolute path")
        }
        if !unixSocket.isEmpty, !unixSocket.hasPrefix("/") {
            throw AgentConfigurationError.invalid(key: "unixSocket", reason: "\"\(unixSocket)\" is not an absolute path")
        }
        if let driver = storageDriver, StorageDriver(rawValue: driver) == nil {
            throw AgentConfigurationError.invalid(
                key: "storage-driver", reason: "\"\(driver)\" is not one of \(StorageDriver.names)")
        }
        if let label = labels.first(where: { !$0.contains("=") || $0.hasPrefix("=") }) {
            throw AgentConfigurationError.invalid(key: "labels", reason: "\"\(label)\" is not key=value")
        }
        _ = try clusterSettings()
    }

    /// The parsed ``logLevel`` (``validate()`` guarantees it parses).
    public var loggerLevel: Logger.Level {
        Logger.Level(rawValue: logLevel) ?? .info
    }
}
