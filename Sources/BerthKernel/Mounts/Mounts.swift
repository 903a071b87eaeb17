import Glibc

/// An overlayfs stack: read-only layers (topmost first), the writable layer and overlayfs's work directory.
public struct OverlayStack: Sendable, Equatable {
    public var lower: [String]
    public var upper: String
    public var work: String

    public init(lower: [String], upper: String, work: String) {
        self.lower = lower
        self.upper = upper
        self.work = work
    }

    /// The `mount -t overlay` option string. Pure.
    public var options: String { "lowerdir=\(lower.joined(separator: ":")),upperdir=\(upper),workdir=\(work)" }
}

/// A mount that failed: what, where, and the errno.
public struct MountFailure: Error, CustomStringConvertible, Sendable {
    public var step: String
    public var errno: Int32
    public var description: String { "\(step): \(String(cString: strerror(errno)))" }
    public init(step: String, errno: Int32) {
        self.step = step
        self.errno = errno
    }
}

/// Mounting and unmounting in this process's mount namespace. The agent's stores take one through `init`;
/// ``SystemMounts`` is the real one, unit tests record. (A container's own mounts are made by the runtime's C
/// shim inside the container's mount namespace, between clone and exec.)
public protocol Mounts: Sendable {
    /// Mounts the overlay `stack` at `target`.
    func mountOverlay(_ stack: OverlayStack, at target: String) throws
    /// Bind-mounts `source` at `target` (`recursive`: with the mounts under it).
    func bind(_ source: String, at target: String, recursive: Bool) throws
    /// Makes the bind mount at `target` read-only.
    func remountReadOnly(_ target: String) throws
    /// Unmounts `target`; `detach`: lazily (MNT_DETACH), even when busy. Quiet when nothing is mounted there.
    func unmount(_ target: String, detach: Bool)
}

/// ``Mounts`` over mount(2) and umount2(2).
public struct SystemMounts: Mounts {
    public init() {}

    public func mountOverlay(_ stack: OverlayStack, at target: String) throws {
        guard stack.options.withCString({ mount("overlay", target, "overlay", 0, $0) }) == 0 else {
            throw MountFailure(step: "mount overlay at \(target)", errno: errno)
        }
    }

    public func bind(_ source: String, at target: String, recursive: Bool) throws {
        let flags = UInt(MS_BIND) | (recursive ? UInt(MS_REC) : 0)
        guard mount(source, target, nil, flags, nil) == 0 else {
            throw MountFailure(step: "bind \(source) at \(target)", errno: errno)
        }
    }

    public func remountReadOnly(_ target: String) throws {
        let flags = UInt(MS_BIND) | UInt(MS_REMOUNT) | UInt(MS_RDONLY)
        guard mount(nil, target, nil, flags, nil) == 0 else {
            throw MountFailure(step: "remount \(target) read-only", errno: errno)
        }
    }

    public func unmount(_ target: String, detach: Bool) {
        _ = umount2(target, detach ? Int32(MNT_DETACH) : 0)
    }
}
