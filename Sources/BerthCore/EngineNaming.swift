/// The IDs and names the engine hands out and accepts for containers and networks, as dockerd does.
public enum EngineNaming {
    /// 64 random lower-case hex digits: a container, network or endpoint ID.
    public static func randomID() -> String {
        Hex.encode((0..<32).map { _ in UInt8.random(in: 0...255) })
    }

    /// docker's `[a-zA-Z0-9][a-zA-Z0-9_.-]*` for container and network names.
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.properties.isAlphabetic || ("0"..."9").contains(first)
        else { return false }
        return name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "_.-".unicodeScalars.contains($0)
        }
    }
}
