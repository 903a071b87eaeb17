import CRuntimeShim
import Dispatch
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Glibc

/// The per-container supervisor (`berthd shim <dir>`), like containerd's shim: it owns the container's init
/// process, writes its output to the json-file log and its exit status to `exit.json`, and serves attach, exec,
/// resize, kill and wait on `shim.sock`. It outlives agent restarts and exits once the container has.
public final class Shim: @unchecked Sendable {
    private let paths: ContainerPaths
    private let spec: ContainerSpec
    private let lock = Lock()
    private var initPid: Int32 = 0
    /// Made before start, so stdin sent by a client attached before the process exists waits in the pipe.
    private let containerStdio: ShimStdio
    private var stdinOpen = true
    private var attached: [Int32] = []
    private var waiters: [Int32] = []
    private var exitStatus: ExitStatus?
    private let output = DispatchGroup()
    private var execs: [Int32: ExecState] = [:]
    private var execMasters: [String: Int32] = [:]
    private var pendingSizes: [String: (UInt16, UInt16)] = [:]
    private let logFD: Int32
    private let cgroups: Cgroups
    /// The `cgroup.procs` files container and exec processes join.
    private var cgroupProcs: [String] = []

    final class ExecState: @unchecked Sendable {
        let id: String
        let done = DispatchSemaphore(value: 0)
        var exitCode: Int32 = 0
        init(id: String) { self.id = id }
    }

    init(paths: ContainerPaths, spec: ContainerSpec) throws {
        self.paths = paths
        self.spec = spec
        cgroups = Cgroups(id: spec.id)
        logFD = open(paths.log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
        guard logFD >= 0 else { throw RuntimeError.errno("open \(paths.log)") }
        containerStdio = try ShimStdio(tty: spec.process.tty, openStdin: spec.process.openStdin)
    }

    /// The entry point of `berthd shim <dir>`: daemonizes, serves until the container exits, then exits.
    public static func main(directory: String) -> Never {
        // The agent's listening sockets must not live on in the supervisor (a restarted agent could not bind).
        _ = berth_close_from(3)
        var ready: Int32 = -1
        guard berth_daemonize(&ready) == 0 else { exit(1) }
        let paths = ContainerPaths(directory: directory)
        let log = open(paths.shimLog, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
        if log >= 0 { dup2(log, 1); dup2(log, 2) }
        let null = open("/dev/null", O_RDONLY)
        if null >= 0 { dup2(null, 0) }
        signal(SIGPIPE, SIG_IGN)
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: paths.spec))
            let spec = try JSONDecoder().decode(ContainerSpec.self, from: data)
            let shim = try Shim(paths: paths, spec: spec)
            try shim.serve(ready: ready)
        } catch {
            fputs("shim: \(error)\n", stderr)
            exit(1)
        }
        exit(0)
    }

    // MARK: serving

    /// Listens on the socket, tells the spawner (`ready`) and serves connections until the container exits.
    private func serve(ready: Int32) throws {
        unlink(paths.socket)
        let listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard listener >= 0 else { throw RuntimeError.errno("socket") }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(paths.socket.utf8)
        guard pathBytes.count < MemoryLayout.size(ofValue: addr.sun_path) else {
            throw RuntimeError.protocolError("socket path too long: \(paths.socket)")
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
        }
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else { throw RuntimeError.errno("bind \(paths.socket)") }
        guard listen(listener, 64) == 0 else { throw RuntimeError.errno("listen") }
        try? Data("\(getpid())\n".utf8).write(to: URL(fileURLWithPath: paths.shimPid), options: .atomic)
        berth_notify_ready(ready)
        while true {
            let fd = accept(listener, nil, nil)
            if fd >= 0 { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            if fd < 0 {
                if errno == EINTR { continue }
                throw RuntimeError.errno("accept")
            }
            Threads.detach { [self] in handle(connection: fd) }
        }
    }

    private func reply(_ fd: Int32, _ reply: ShimReply) {
        var data = (try? JSONEncoder().encode(reply)) ?? Data("{\"ok\":false}".utf8)
        data.append(UInt8(ascii: "\n"))
        data.withUnsafeBytes { _ = FD.writeAll(fd, $0) }
    }

    private func handle(connection fd: Int32) {
        guard let line = FD.readLine(fd),
              let request = try? JSONDecoder().decode(ShimRequest.self, from: Data(line.utf8)) else {
            close(fd)
            return
        }
        switch request.op {
        case .start:
            start(fd)
        case .attach:
            attach(fd, stdin: request.stdin ?? false)
        case .exec:
            guard let process = request.process else {
                reply(fd, ShimReply(ok: false, error: "exec without a process"))
                close(fd)
                return
            }
            exec(fd, id: request.execID ?? "", process: process)
        case .kill:
            let pid = lock.withLock { initPid }
            if pid > 0, exitStatusValue == nil { kill(pid, request.signal ?? SIGKILL) }
            reply(fd, ShimReply(ok: true))
            close(fd)
        case .resize:
            let rows = request.rows ?? 24, cols = request.cols ?? 80
            let master = lock.withLock { () -> Int32 in
                if let id = request.execID {
                    // The client may resize before the exec's terminal exists: apply it when it does.
                    if execMasters[id] == nil { pendingSizes[id] = (rows, cols) }
                    return execMasters[id] ?? -1
                }
                return containerStdio.master
            }
            if master >= 0 { Terminal.resize(master, rows: rows, cols: cols) }
            reply(fd, ShimReply(ok: true))
            close(fd)
        case .wait:
            let status: ExitStatus? = lock.withLock {
                if exitStatus == nil { waiters.append(fd) }
                return exitStatus
            }
            if let status {
                reply(fd, ShimReply(ok: true, exitCode: status.exitCode))
                close(fd)
            }
        }
    }

    private var exitStatusValue: ExitStatus? { lock.withLock { exitStatus } }

    // MARK: the container's process

    private func start(_ fd: Int32) {
        defer { close(fd) }
        if lock.withLock({ initPid != 0 }) {
            reply(fd, ShimReply(ok: false, error: "container already started"))
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: paths.rootfs, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: paths.upper, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: paths.work, withIntermediateDirectories: true)
            let stdio = containerStdio
            let pid: Int32
            do {
                let procs = try cgroups.create(memory: spec.memoryLimit, pids: spec.pidsLimit)
                lock.withLock { cgroupProcs = procs }
                pid = try ContainerSpawner.spawnContainer(spec, paths: paths, stdio: stdio.child, cgroupProcs: procs)
            } catch {
                stdio.closeChildEnds()
                throw error
            }
            stdio.closeChildEnds()
            lock.withLock { initPid = pid }
            for (out, stream) in stdio.outputs {
                output.enter()
                Threads.detach { [self] in pumpContainerOutput(out, stream: stream) }
            }
            Threads.detach { [self] in reap() }
            reply(fd, ShimReply(ok: true, pid: pid))
        } catch {
            let code: Int32
            if case RuntimeError.startFailed(_, let exitCode) = error { code = exitCode } else { code = 126 }
            let message = "\(error)"
            reply(fd, ShimReply(ok: false, error: message, exitCode: code))
            finish(ExitStatus(exitCode: code, finishedAt: Timestamp.now(), error: message))
        }
    }

    private func pumpContainerOutput(_ fd: Int32, stream: UInt8) {
        defer { output.leave() }
        let name = stream == StreamFrame.stderr ? "stderr" : "stdout"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        while let chunk = FD.read(fd) {
            var lines = Data()
            for entry in LogEntry.entries(from: chunk, stream: name, time: Timestamp.now()) {
                if let json = try? encoder.encode(entry) {
                    lines.append(json)
                    lines.append(UInt8(ascii: "\n"))
                }
            }
            lines.withUnsafeBytes { _ = FD.writeAll(logFD, $0) }
            let tty = spec.process.tty
            let framed = tty ? chunk : StreamFrame.header(stream: stream, count: chunk.count) + chunk
            let clients = lock.withLock { attached }
            for client in clients where !FD.writeAll(client, framed) {
                lock.withLock { attached.removeAll { $0 == client } }
                close(client)
            }
        }
        close(fd)
    }

    private func attach(_ fd: Int32, stdin: Bool) {
        let done = lock.withLock { () -> Bool in
            if exitStatus != nil { return true }
            attached.append(fd)
            return false
        }
        reply(fd, ShimReply(ok: true))
        if done {
            close(fd)
            return
        }
        guard stdin else { return }
        // The client's bytes go to the process until it half-closes.
        while let chunk = FD.read(fd) {
            let input = lock.withLock { stdinOpen ? containerStdio.input : -1 }
            guard input >= 0 else { continue }
            FD.writeAll(input, chunk)
        }
        if spec.process.stdinOnce, !spec.process.tty {
            lock.withLock {
                if stdinOpen, containerStdio.input >= 0 { close(containerStdio.input) }
                stdinOpen = false
            }
        }
    }

    // MARK: exec

    private func exec(_ fd: Int32, id: String, process: ProcessSpec) {
        defer { close(fd) }
        let pid = lock.withLock { exitStatus == nil ? initPid : 0 }
        guard pid > 0 else {
            reply(fd, ShimReply(ok: false, error: "container is not running", exitCode: 126))
            return
        }
        let state = ExecState(id: id)
        let stdio: ShimStdio
        let helper: Int32
        do {
            stdio = try ShimStdio(tty: process.tty, openStdin: process.openStdin)
            // Hold the lock across the spawn so the reaper cannot see the helper before it is registered.
            lock.lock()
            do {
                helper = try ContainerSpawner.exec(in: pid, process, stdio: stdio.child, cgroupProcs: cgroupProcs)
            } catch {
                lock.unlock()
                stdio.closeChildEnds()
                throw error
            }
            execs[helper] = state
            if stdio.master >= 0 {
                execMasters[id] = stdio.master
                if let (rows, cols) = pendingSizes.removeValue(forKey: id) {
                    Terminal.resize(stdio.master, rows: rows, cols: cols)
                }
            }
            lock.unlock()
            stdio.closeChildEnds()
        } catch {
            // dockerd records 126 for an exec that could not start, whatever the reason (`docker run` tells a
            // missing command, 127, from one that cannot run, 126; `docker exec` does not).
            let code: Int32 = 126
            writeExecStatus(id, ExitStatus(exitCode: code, finishedAt: Timestamp.now(), error: "\(error)"))
            reply(fd, ShimReply(ok: false, error: "\(error)", exitCode: code))
            return
        }
        reply(fd, ShimReply(ok: true, pid: helper))
        let pumps = DispatchGroup()
        let writeLock = Lock()
        for (out, stream) in stdio.outputs {
            pumps.enter()
            Threads.detach {
                while let chunk = FD.read(out) {
                    let framed = process.framesOutput ? StreamFrame.header(stream: stream, count: chunk.count) + chunk : chunk
                    writeLock.withLock { _ = FD.writeAll(fd, framed) }
                }
                pumps.leave()
            }
        }
        if stdio.input >= 0 {
            let input = stdio.input
            Threads.detach {
                while let chunk = FD.read(fd) { FD.writeAll(input, chunk) }
                if !process.tty { close(input) }
            }
        }
        state.done.wait()
        _ = pumps.wait(timeout: .now() + 5)
        for (out, _) in stdio.outputs { close(out) }
        lock.withLock { _ = execMasters.removeValue(forKey: id) }
        writeExecStatus(id, ExitStatus(exitCode: state.exitCode, finishedAt: Timestamp.now()))
        shutdown(fd, Int32(SHUT_RDWR))
    }

    private func writeExecStatus(_ id: String, _ status: ExitStatus) {
        try? FileManager.default.createDirectory(atPath: paths.execs, withIntermediateDirectories: true)
        if let data = try? JSONEncoder().encode(status) {
            try? data.write(to: URL(fileURLWithPath: paths.execStatus(id)), options: .atomic)
        }
    }

    // MARK: exit

    private func reap() {
        while true {
            var status: Int32 = 0
            let pid = waitpid(-1, &status, 0)
            if pid < 0 {
                if errno == EINTR { continue }
                if exitStatusValue != nil { return }
                usleep(50_000)
                continue
            }
            let code = Self.exitCode(status)
            let (isInit, exec) = lock.withLock { (pid == initPid, execs.removeValue(forKey: pid)) }
            if let exec {
                exec.exitCode = code
                exec.done.signal()
            }
            if isInit {
                Threads.detach { [self] in
                    _ = output.wait(timeout: .now() + 5)
                    finish(ExitStatus(exitCode: code, finishedAt: Timestamp.now(), oomKilled: cgroups.oomKilled))
                }
            }
        }
    }

    static func exitCode(_ status: Int32) -> Int32 {
        let signal = status & 0x7f
        if signal == 0 { return (status >> 8) & 0xff }
        return 128 + signal
    }

    /// Records the exit, releases attached clients and waiters, and ends the supervisor.
    private func finish(_ status: ExitStatus) {
        cgroups.remove()
        if let data = try? JSONEncoder().encode(status) {
            try? data.write(to: URL(fileURLWithPath: paths.exitStatus), options: .atomic)
        }
        let (clients, waiting) = lock.withLock { () -> ([Int32], [Int32]) in
            exitStatus = status
            defer { attached = []; waiters = [] }
            return (attached, waiters)
        }
        for client in clients { shutdown(client, Int32(SHUT_RDWR)); close(client) }
        for waiter in waiting {
            reply(waiter, ShimReply(ok: true, exitCode: status.exitCode))
            close(waiter)
        }
        unlink(paths.socket)
        unlink(paths.shimPid)
        exit(0)
    }
}
