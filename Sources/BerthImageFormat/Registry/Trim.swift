public extension StringProtocol {
    /// Without leading and trailing spaces, tabs and newlines (FoundationEssentials has no `trimmingCharacters`).
    var trimmedSpace: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        return String(drop(while: isSpace).reversed().drop(while: isSpace).reversed())
    }
}
