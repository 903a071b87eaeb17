#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Renders what `env` prints for one shell: variable lines, then the two usage-hint lines.
/// The line formats and hints are docker-machine v0.16's (`commands/env.go`).
public struct ShellEnv: Sendable {
    /// One variable to set, in output order.
    public typealias Variable = (name: String, value: String)

    /// The names `env` sets, in docker-machine's order; `env -u` unsets the same.
    public static let dockerVariableNames = ["DOCKER_TLS_VERIFY", "DOCKER_HOST", "DOCKER_CERT_PATH",
                                             "DOCKER_MACHINE_NAME"]

    public var shell: Shell
    /// The command line to repeat in the hint, as typed (argv): `["berth", "env", "lab1"]`.
    public var commandLine: [String]

    public init(shell: Shell, commandLine: [String]) {
        self.shell = shell
        self.commandLine = commandLine
    }

    /// The docker variables for a machine: `DOCKER_TLS_VERIFY=1`, `DOCKER_HOST`, `DOCKER_CERT_PATH`,
    /// `DOCKER_MACHINE_NAME`.
    public static func dockerVariables(dockerHost: String, certPath: String, machineName: String) -> [Variable] {
        [("DOCKER_TLS_VERIFY", "1"), ("DOCKER_HOST", dockerHost), ("DOCKER_CERT_PATH", certPath),
         ("DOCKER_MACHINE_NAME", machineName)]
    }

    /// The proxy-bypass variable for `--no-proxy`: `no_proxy` when that is set (non-empty) in `environment`,
    /// else `NO_PROXY`; its current entries with `ip` appended unless already listed.
    ///
    /// docker-machine checks for the IP by substring (so 10.0.0.1 hides in 10.0.0.10); Berth compares
    /// whole comma-separated entries.
    public static func noProxyVariable(adding ip: String, environment: [String: String]) -> Variable {
        let name = noProxyVariableName(environment: environment)
        let current = environment[name] ?? ""
        let entries = current.split(separator: ",").map { $0.trimmingWhitespace() }
        if current.isEmpty { return (name, ip) }
        if entries.contains(ip) { return (name, current) }
        return (name, current + "," + ip)
    }

    /// `no_proxy` when it is set and non-empty in `environment`, else `NO_PROXY`.
    public static func noProxyVariableName(environment: [String: String]) -> String {
        if let lower = environment["no_proxy"], !lower.isEmpty { return "no_proxy" }
        return "NO_PROXY"
    }

    /// One line setting `name` (no trailing newline): `export K="V"`, `set -gx K "V";`, `$Env:K = "V"`,
    /// `SET K=V`, `setenv K "V";`, `(setenv "K" "V")`.
    public func setLine(_ name: String, _ value: String) -> String {
        switch shell {
        case .fish: return "set -gx \(name) \"\(value)\";"
        case .powershell: return "$Env:\(name) = \"\(value)\""
        case .cmd: return "SET \(name)=\(value)"
        case .tcsh: return "setenv \(name) \"\(value)\";"
        case .emacs: return "(setenv \"\(name)\" \"\(value)\")"
        case .bash, .sh, .zsh: return "export \(name)=\"\(value)\""
        }
    }

    /// One line unsetting `name`: `unset K`, `set -e K;`, `Remove-Item Env:\\K`, `SET K=`, `unsetenv K;`,
    /// `(setenv "K" nil)`.
    public func unsetLine(_ name: String) -> String {
        switch shell {
        case .fish: return "set -e \(name);"
        case .powershell: return "Remove-Item Env:\\\\\(name)"
        case .cmd: return "SET \(name)="
        case .tcsh: return "unsetenv \(name);"
        case .emacs: return "(setenv \"\(name)\" nil)"
        case .bash, .sh, .zsh: return "unset \(name)"
        }
    }

    /// The command that evaluates `commandLine` in this shell, e.g. `eval $(berth env lab1)`.
    /// Like docker-machine, the program path is double-quoted when it holds a space or a backslash.
    public var evalCommand: String {
        var args = commandLine
        if let program = args.first, program.contains(" ") || program.contains("\\") {
            args[0] = "\"\(program)\""
        }
        let line = args.joined(separator: " ")
        switch shell {
        case .fish: return "eval (\(line))"
        case .powershell: return "& \(line) | Invoke-Expression"
        case .cmd: return "\t@FOR /f \"tokens=*\" %i IN ('\(line)') DO @%i"
        case .emacs: return "(with-temp-buffer (shell-command \"\(line)\" (current-buffer)) (eval-buffer))"
        case .tcsh: return "eval `\(line)`"
        case .bash, .sh, .zsh: return "eval $(\(line))"
        }
    }

    /// The two hint lines, each ending in a newline; the first keeps docker-machine's trailing space.
    public var usageHint: String {
        let c = shell.commentMarker
        return "\(c) Run this command to configure your shell: \n\(c) \(evalCommand)\n"
    }

    /// The whole output of `env`: one set line per variable, then the hint.
    public func render(setting variables: [Variable]) -> String {
        variables.map { setLine($0.name, $0.value) + "\n" }.joined() + usageHint
    }

    /// The whole output of `env -u`: one unset line per name, then the hint.
    public func render(unsetting names: [String]) -> String {
        names.map { unsetLine($0) + "\n" }.joined() + usageHint
    }
}
