/// `berth etcd env`: what Debian's stock etcdctl needs to reach the cluster store.
extension ShellEnv {
    /// The names `etcd env` sets, in output order; `etcd env -u` unsets the same.
    public static let etcdVariableNames = ["ETCDCTL_API", "ETCDCTL_ENDPOINTS", "ETCDCTL_CACERT", "ETCDCTL_CERT",
                                           "ETCDCTL_KEY"]

    /// `ETCDCTL_API=3`, the members' client URLs comma-separated, and the controller's client files.
    public static func etcdVariables(endpoints: [String], caCert: String, cert: String, key: String) -> [Variable] {
        [("ETCDCTL_API", "3"), ("ETCDCTL_ENDPOINTS", endpoints.joined(separator: ",")), ("ETCDCTL_CACERT", caCert),
         ("ETCDCTL_CERT", cert), ("ETCDCTL_KEY", key)]
    }
}
