import CKernelShim
import Glibc

/// Runs work inside another network namespace on a dedicated pthread, which `setns`es in and back and then ends.
/// A netlink socket made there stays in that namespace. Swift's concurrency threads never change namespace.
public enum NamespaceThread {
    /// Runs `body` in `namespace` (on the calling thread for ``NetworkNamespace/current``) and returns its result.
    public static func run<T>(in namespace: NetworkNamespace, _ body: @escaping () throws -> T) throws -> T {
        let target: Int32
        var owned = false
        switch namespace {
        case .current:
            return try body()
        case .fd(let fd):
            target = fd
        case .path(let path):
            target = open(path, O_RDONLY | O_CLOEXEC)
            guard target >= 0 else { throw NetlinkError.system(step: "open network namespace \(path)", errno: errno) }
            owned = true
        }
        defer { if owned { close(target) } }
        return try onThread {
            let original = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)
            guard original >= 0 else {
                throw NetlinkError.system(step: "open /proc/thread-self/ns/net", errno: errno)
            }
            defer { close(original) }
            guard berth_kernel_setns(target, berth_kernel_clone_newnet()) == 0 else {
                throw NetlinkError.system(step: "setns(\(namespace))", errno: errno)
            }
            defer { _ = berth_kernel_setns(original, berth_kernel_clone_newnet()) }
            return try body()
        }
    }

    /// Runs `body` on a new pthread and waits for it to end.
    public static func onThread<T>(_ body: @escaping () throws -> T) throws -> T {
        let job = Job {
            do { return .success(try body()) } catch { return .failure(error) }
        }
        let context = Unmanaged.passRetained(job as AnyObject).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { raw in
            let job = Unmanaged<AnyObject>.fromOpaque(raw!).takeRetainedValue() as! Runnable
            job.runOnce()
            return nil
        }, context)
        guard rc == 0 else {
            Unmanaged<AnyObject>.fromOpaque(context).release()
            throw NetlinkError.system(step: "pthread_create", errno: rc)
        }
        pthread_join(thread, nil)
        guard let result = job.result else { throw NetlinkError.system(step: "namespace thread", errno: EIO) }
        return try result.get()
    }
}

private protocol Runnable: AnyObject { func runOnce() }

private final class Job<T>: Runnable {
    let work: () -> Result<T, Error>
    var result: Result<T, Error>?
    init(_ work: @escaping () -> Result<T, Error>) { self.work = work }
    func runOnce() { result = work() }
}
