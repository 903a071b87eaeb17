import Testing
@testable import BerthCore

@Suite struct EnvTests {
    static let variables = ShellEnv.dockerVariables(dockerHost: "tcp://10.20.0.11:2376",
                                                    certPath: "/root/.berth/machines/lab1", machineName: "lab1")

    @Test(arguments: Shell.allCases)
    func setOutputMatchesGolden(shell: Shell) throws {
        let out = ShellEnv(shell: shell, commandLine: ["berth", "env", "lab1"]).render(setting: EnvTests.variables)
        #expect(out == (try GoldenFile.expected("env-\(shell.rawValue)-set.txt", actual: out)))
    }

    @Test(arguments: Shell.allCases)
    func unsetOutputMatchesGolden(shell: Shell) throws {
        let out = ShellEnv(shell: shell, commandLine: ["berth", "env", "-u"]).render(unsetting: ShellEnv.dockerVariableNames)
        #expect(out == (try GoldenFile.expected("env-\(shell.rawValue)-unset.txt", actual: out)))
    }

    @Test func bashOutputIsDockerMachines() {
        let out = ShellEnv(shell: .bash, commandLine: ["berth", "env", "lab1"]).render(setting: EnvTests.variables)
        #expect(out == """
            export DOCKER_TLS_VERIFY="1"
            export DOCKER_HOST="tcp://10.20.0.11:2376"
            export DOCKER_CERT_PATH="/root/.berth/machines/lab1"
            export DOCKER_MACHINE_NAME="lab1"
            # Run this command to configure your shell: \n# eval $(berth env lab1)

            """)
    }

    @Test(arguments: [
        (Shell.bash, "# eval $(berth env lab1)"),
        (.sh, "# eval $(berth env lab1)"),
        (.zsh, "# eval $(berth env lab1)"),
        (.fish, "# eval (berth env lab1)"),
        (.powershell, "# & berth env lab1 | Invoke-Expression"),
        (.cmd, "REM \t@FOR /f \"tokens=*\" %i IN ('berth env lab1') DO @%i"),
        (.tcsh, ": eval `berth env lab1`"),
        (.emacs, ";; (with-temp-buffer (shell-command \"berth env lab1\" (current-buffer)) (eval-buffer))"),
    ])
    func hintLines(shell: Shell, evalLine: String) {
        let hint = ShellEnv(shell: shell, commandLine: ["berth", "env", "lab1"]).usageHint
        let lines = hint.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 3)
        #expect(lines[0] == "\(shell.commentMarker) Run this command to configure your shell: ")
        #expect(lines[1] == evalLine)
        #expect(lines[2] == "")
    }

    @Test func programPathWithSpaceIsQuoted() {
        let env = ShellEnv(shell: .powershell, commandLine: ["/opt/my tools/berth", "env", "lab1"])
        #expect(env.evalCommand == "& \"/opt/my tools/berth\" env lab1 | Invoke-Expression")
    }

    @Test(arguments: [
        (Shell.bash, "export K=\"V\"", "unset K"),
        (.fish, "set -gx K \"V\";", "set -e K;"),
        (.powershell, "$Env:K = \"V\"", "Remove-Item Env:\\\\K"),
        (.cmd, "SET K=V", "SET K="),
        (.tcsh, "setenv K \"V\";", "unsetenv K;"),
        (.emacs, "(setenv \"K\" \"V\")", "(setenv \"K\" nil)"),
    ])
    func lineFormats(shell: Shell, set: String, unset: String) {
        let env = ShellEnv(shell: shell, commandLine: ["berth"])
        #expect(env.setLine("K", "V") == set)
        #expect(env.unsetLine("K") == unset)
    }

    @Test(arguments: [
        ("/bin/bash", Shell.bash), ("/usr/bin/zsh", .zsh), ("/usr/local/bin/fish", .fish), ("sh", .sh),
        ("/bin/tcsh", .tcsh), ("/bin/csh", .tcsh), ("/usr/bin/pwsh", .powershell), ("/bin/ksh", .bash),
        ("/bin/dash", .bash), ("", .bash),
    ])
    func detectsShellFromVariable(value: String, shell: Shell) {
        #expect(Shell.detect(shellVariable: value) == shell)
    }

    @Test func detectWithoutShellVariableIsBash() {
        #expect(Shell.detect(shellVariable: nil) == .bash)
    }

    @Test func parsesShellFlag() throws {
        #expect(try Shell(parsing: "fish") == .fish)
        #expect(try Shell(parsing: "PowerShell") == .powershell)
        #expect {
            try Shell(parsing: "ksh")
        } throws: { error in
            "\(error)" == "Unknown shell 'ksh': expected one of bash, sh, zsh, fish, powershell, cmd, tcsh, emacs"
        }
    }

    @Test(arguments: [
        ([:], "NO_PROXY", "10.0.0.5"),
        (["NO_PROXY": "localhost"], "NO_PROXY", "localhost,10.0.0.5"),
        (["no_proxy": "localhost,.corp", "NO_PROXY": "x"], "no_proxy", "localhost,.corp,10.0.0.5"),
        (["no_proxy": "", "NO_PROXY": "x"], "NO_PROXY", "x,10.0.0.5"),
        (["NO_PROXY": "a,10.0.0.5"], "NO_PROXY", "a,10.0.0.5"),
        (["NO_PROXY": "10.0.0.50"], "NO_PROXY", "10.0.0.50,10.0.0.5"),
    ] as [([String: String], String, String)])
    func noProxy(environment: [String: String], name: String, value: String) {
        let v = ShellEnv.noProxyVariable(adding: "10.0.0.5", environment: environment)
        #expect(v.name == name)
        #expect(v.value == value)
    }

    @Test func noProxyLineFollowsDockerVariables() {
        let np = ShellEnv.noProxyVariable(adding: "10.20.0.11", environment: ["no_proxy": "localhost"])
        let out = ShellEnv(shell: .fish, commandLine: ["berth", "env", "--no-proxy", "lab1"])
            .render(setting: EnvTests.variables + [np])
        let lines = out.split(separator: "\n")
        #expect(lines[4] == "set -gx no_proxy \"localhost,10.20.0.11\";")
        #expect(lines[6] == "# eval (berth env --no-proxy lab1)")
    }
}
