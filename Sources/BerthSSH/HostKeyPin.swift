/// The known-hosts state for one connection attempt.
struct HostKeyPin {
    var file: KnownHostsFile
    var hostPattern: String
    var pinned: [HostKey]
}
