import BerthKernel
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import BerthImageFormat
import BerthRuntime
import Glibc
import NIOCore
import NIOHTTP1

/// `docker cp`: `HEAD`/`GET`/`PUT /containers/{id}/archive?path=...`, on running and stopped containers.
enum ArchiveRoutes {
    static let statHeader = "X-Docker-Container-Path-Stat"

    static func register(on router: inout Router, context: EngineContext) {
        let store = context.containers
        router.head("/containers/{id}/archive") { request in
            let (reference, path) = try arguments(request)
            let stat = try await store.withFilesystem(reference) { root in try ContainerPathStat.of(root: root, path: path) }
            guard let stat else { throw notFound(path, reference) }
            var headers = HTTPHeaders()
            headers.add(name: statHeader, value: try stat.headerValue())
            return Response(headers: headers)
        }
        router.get("/containers/{id}/archive") { request in
            let (reference, path) = try arguments(request)
            let result: (ContainerPathStat, [UInt8])? = try await store.withFilesystem(reference) { root in
                guard let stat = try ContainerPathStat.of(root: root, path: path) else { return nil }
                let host = try ContainerPathStat.resolve(root: root, path: path, followFinal: false)
                var bytes: [UInt8] = []
                try LayerPacker.pack(host, as: stat.name, overlayWhiteouts: false) { bytes += $0 }
                return (stat, bytes)
            }
            guard let result else { throw notFound(path, reference) }
            let (stat, bytes) = result
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/x-tar")
            headers.add(name: statHeader, value: try stat.headerValue())
            return Response(headers: headers, body: .buffer(ByteBuffer(bytes: bytes)))
        }
        router.put("/containers/{id}/archive") { request in
            let (reference, path) = try arguments(request)
            let keepOwners = request.query.bool("copyUIDGID")
            let body = [UInt8](request.body.readableBytesView)
            try await store.checkWritable(reference, path: path)
            try await store.withFilesystem(reference) { root in
                let host = try ContainerPathStat.resolve(root: root, path: path, followFinal: true)
                var st = stat()
                guard lstat(host, &st) == 0 else { throw notFound(path, reference) }
                guard (st.st_mode & S_IFMT) == S_IFDIR else {
                    throw APIError.invalidArgument("extraction point is not a directory")
                }
                var reader = TarReader(TarBytes(body))
                do {
                    try LayerUnpacker.unpack(&reader, into: host, whiteouts: .none, keepOwners: keepOwners)
                } catch let error as TarError {
                    throw APIError.invalidArgument("invalid tar archive: \(error)")
                }
            }
            return Response(status: .ok)
        }
    }

    static func arguments(_ request: Request) throws -> (String, String) {
        guard let path = request.query["path"], !path.isEmpty else {
            throw APIError.invalidArgument("path parameter is required")
        }
        return (try request.parameter("id"), path)
    }

    static func notFound(_ path: String, _ container: String) -> APIError {
        .notFound("Could not find the file \(path) in container \(container)")
    }
}

/// What `X-Docker-Container-Path-Stat` carries (base64 JSON; `mode` in Go's `os.FileMode` bits).
struct ContainerPathStat: Codable, Sendable {
    var name: String
    var size: Int
    var mode: UInt32
    var mtime: String
    var linkTarget: String

    func headerValue() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return try encoder.encode(self).base64EncodedString()
    }

    /// The stat of `path` inside the container whose filesystem is at `root`; nil when it does not exist.
    static func of(root: String, path: String) throws -> ContainerPathStat? {
        let host = try resolve(root: root, path: path, followFinal: false)
        var st = stat()
        guard lstat(host, &st) == 0 else { return nil }
        var mode = UInt32(st.st_mode & 0o777)
        if st.st_mode & S_ISUID != 0 { mode |= 1 << 23 }
        if st.st_mode & S_ISGID != 0 { mode |= 1 << 22 }
        if st.st_mode & S_ISVTX != 0 { mode |= 1 << 20 }
        var linkTarget = ""
        switch st.st_mode & S_IFMT {
        case S_IFDIR: mode |= 1 << 31
        case S_IFLNK:
            mode |= 1 << 27
            let resolved = try resolve(root: root, path: path, followFinal: true)
            linkTarget = "/" + TarEntry.clean(String(resolved.dropFirst(root.count)))
        case S_IFCHR: mode |= (1 << 26) | (1 << 21)
        case S_IFBLK: mode |= 1 << 26
        case S_IFIFO: mode |= 1 << 25
        case S_IFSOCK: mode |= 1 << 24
        default: break
        }
        let cleaned = TarEntry.clean(path)
        let name = cleaned == "." ? "/" : TarPath.base(cleaned)
        return ContainerPathStat(name: name, size: Int(st.st_size), mode: mode,
                                 mtime: Timestamp.format(seconds: st.st_mtim.tv_sec, nanoseconds: st.st_mtim.tv_nsec),
                                 linkTarget: linkTarget)
    }

    /// The host path of `path` inside `root`, symlinks resolved within `root` (never above it).
    static func resolve(root: String, path: String, followFinal: Bool) throws -> String {
        var pending = TarEntry.clean(path).split(separator: "/").map(String.init).filter { $0 != "." }
        var current: [String] = []
        var hops = 0
        while !pending.isEmpty {
            let part = pending.removeFirst()
            if part == ".." { _ = current.popLast(); continue }
            let candidate = root + "/" + (current + [part]).joined(separator: "/")
            var st = stat()
            if lstat(candidate, &st) == 0, (st.st_mode & S_IFMT) == S_IFLNK, followFinal || !pending.isEmpty {
                hops += 1
                guard hops <= 40 else { throw APIError.invalidArgument("too many levels of symbolic links: \(path)") }
                var buffer = [Int8](repeating: 0, count: 4097)
                let n = readlink(candidate, &buffer, 4096)
                guard n >= 0 else { throw LayerError.io("readlink \(path)", errno) }
                let target = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
                if target.hasPrefix("/") { current = [] }
                pending = target.split(separator: "/").map(String.init).filter { $0 != "." } + pending
                continue
            }
            current.append(part)
        }
        return current.isEmpty ? root : root + "/" + current.joined(separator: "/")
    }
}

extension ContainerStore {
    /// Refuses a copy into a read-only volume or bind, or into a read-only root filesystem, with dockerd's words.
    func checkWritable(_ reference: String, path: String) throws {
        let record = try find(reference)
        let clean = "/" + path.split(separator: "/").filter { $0 != "." && !$0.isEmpty }.joined(separator: "/")
        let inside = { (mount: MountPoint) in
            let destination = mount.Destination.hasSuffix("/") ? String(mount.Destination.dropLast()) : mount.Destination
            return clean == destination || clean.hasPrefix(destination + "/")
        }
        let covering = (record.mounts ?? []).filter(inside)
            .max { $0.Destination.split(separator: "/").count < $1.Destination.split(separator: "/").count }
        if let covering {
            if !covering.RW { throw APIError.invalidArgument("mounted volume is marked read-only") }
        } else if record.hostConfig.ReadonlyRootfs ?? false {
            throw APIError.invalidArgument("container rootfs is marked read-only")
        }
    }

    /// The mounts of a stopped container that `docker cp` sees, outermost first (tmpfs mounts have nothing then).
    static func copyMounts(_ mounts: [MountPoint]) -> [MountPoint] {
        mounts.filter { $0.Type == "volume" || $0.Type == "bind" }  // a tmpfs has nothing when stopped
            .sorted { $0.Destination.split(separator: "/").count < $1.Destination.split(separator: "/").count }
    }

    /// Binds one volume at its destination inside `root` (symbolic links resolved inside `root`), making the
    /// mount point as the container's start would; a read-only volume is read-only here too.
    static func mountForCopy(_ volume: MountPoint, under root: String, mounts: any Mounts) throws {
        var st = stat()
        guard stat(volume.Source, &st) == 0 else { return }  // a bind source that went away
        let target = try ContainerPathStat.resolve(root: root, path: volume.Destination, followFinal: true)
        let fm = FileManager.default
        if (st.st_mode & S_IFMT) == S_IFDIR {
            try fm.createDirectory(atPath: target, withIntermediateDirectories: true)
        } else if !fm.fileExists(atPath: target) {
            try fm.createDirectory(atPath: String(target[..<(target.lastIndex(of: "/") ?? target.endIndex)]),
                                   withIntermediateDirectories: true)
            guard fm.createFile(atPath: target, contents: nil) else {
                throw LayerError.io("make the mount point \(volume.Destination)", errno)
            }
        }
        do {
            try mounts.bind(volume.Source, at: target, recursive: true)
            if !volume.RW { try mounts.remountReadOnly(target) }
        } catch let failure as MountFailure {
            throw LayerError.io("mount \(volume.Destination) for the copy", failure.errno)
        }
    }

    /// Runs `body` with the container's root filesystem: the live one of a running container
    /// (`/proc/PID/root`), else its layers mounted for the moment under the container's directory, with its
    /// volumes and binds at their destinations, as dockerd mounts them for `docker cp`.
    func withFilesystem<T: Sendable>(_ reference: String,
                                     _ body: @escaping @Sendable (String) throws -> T) async throws -> T {
        let record = try find(reference)
        if record.state.Running, record.state.Pid > 0 {
            let root = "/proc/\(record.state.Pid)/root"
            return try await Blocking.run { try body(root) }
        }
        let paths = paths(record.id)
        if storageDriver == .vfs {
            try await copyRootfsIfNeeded(record)
            let rootfs = paths.rootfs
            return try await Blocking.run { try body(rootfs) }
        }
        let lower = try await images.layerDirectories(of: record.imageID)
        let mountPoint = paths.directory + "/cp-" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        let fm = FileManager.default
        for dir in [paths.upper, paths.work, mountPoint] { try fm.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        let stack = OverlayStack(lower: lower, upper: paths.upper, work: paths.work)
        let mounts = self.mounts
        let volumes = Self.copyMounts(record.mounts ?? [])
        return try await Blocking.run {
            do { try mounts.mountOverlay(stack, at: mountPoint) } catch let failure as MountFailure {
                try? FileManager.default.removeItem(atPath: mountPoint)
                throw LayerError.io("mount the container's filesystem", failure.errno)
            }
            defer {
                mounts.unmount(mountPoint, detach: true)  // and the volumes under it
                _ = rmdir(mountPoint)
            }
            for volume in volumes {
                try Self.mountForCopy(volume, under: mountPoint, mounts: mounts)
            }
            return try body(mountPoint)
        }
    }
}
