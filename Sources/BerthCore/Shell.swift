/// The shells `env` can write for, as docker-machine names them.
public enum Shell: String, CaseIterable, Sendable {
    case bash, sh, zsh, fish, powershell, cmd, tcsh, emacs

    /// The shell named by a `$SHELL` value, from its basename (`/usr/bin/fish` → fish).
    ///
    /// docker-machine fails when `$SHELL` is empty; Berth instead falls back to bash, as it does for any
    /// unknown shell (ksh, dash, …), whose `export K="V"` lines every POSIX shell accepts.
    /// `csh` is taken as tcsh and `pwsh` as powershell.
    public static func detect(shellVariable: String?) -> Shell {
        guard let value = shellVariable, !value.isEmpty else { return .bash }
        let base = value.split(separator: "/").last.map(String.init) ?? value
        switch base.lowercased() {
        case "csh": return .tcsh
        case "pwsh", "powershell.exe", "pwsh.exe": return .powershell
        case "cmd.exe": return .cmd
        default: return Shell(rawValue: base.lowercased()) ?? .bash
        }
    }

    /// Parses a `--shell` value (case-insensitive). Unknown names throw `BerthError.invalidArgument`
    /// listing the valid ones.
    public init(parsing name: String) throws {
        guard let shell = Shell(rawValue: name.lowercased()) else {
            let valid = Shell.allCases.map(\.rawValue).joined(separator: ", ")
            throw BerthError.invalidArgument("Unknown shell '\(name)': expected one of \(valid)")
        }
        self = shell
    }

    /// What starts a comment line: `#`, `REM` (cmd), `:` (tcsh) or `;;` (emacs).
    public var commentMarker: String {
        switch self {
        case .cmd: return "REM"
        case .tcsh: return ":"
        case .emacs: return ";;"
        default: return "#"
        }
    }
}
