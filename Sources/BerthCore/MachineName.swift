/// docker-machine's host name rule: `^[a-zA-Z0-9][a-zA-Z0-9.-]*$`.
public enum MachineName {
    public static func isValid(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, isAlnum(first) else { return false }
        return name.unicodeScalars.allSatisfy { isAlnum($0) || $0 == "." || $0 == "-" }
    }

    /// Throws the docker-machine wording for an invalid name.
    public static func validate(_ name: String) throws {
        guard isValid(name) else { throw BerthError.invalidArgument(
            "invalid machine name \"\(name)\": allowed characters are 0-9 a-z A-Z . - and it must start with a letter or digit") }
    }

    private static func isAlnum(_ s: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(s) || ("A"..."Z").contains(s) || ("0"..."9").contains(s)
    }
}
