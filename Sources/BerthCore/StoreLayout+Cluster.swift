/// Where the cluster store's files live inside a machine store.
extension StoreLayout {
    /// The Berth-run etcd cluster: `cluster.json` (see `ClusterRecord`).
    public var clusterFile: String { root + "/cluster.json" }
    /// The cluster store's own CA and the controller's client certificate for it (etcdctl's files).
    public var etcdDir: String { root + "/etcd" }
    public var etcdCACert: String { etcdDir + "/ca.pem" }
    public var etcdCAKey: String { etcdDir + "/ca-key.pem" }
    public var etcdClientCert: String { etcdDir + "/client.pem" }
    public var etcdClientKey: String { etcdDir + "/client-key.pem" }
}
