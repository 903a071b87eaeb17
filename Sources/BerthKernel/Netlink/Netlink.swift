/// The kernel's routing netlink, addressed by namespace. Network drivers take one through `init`; the agent gives
/// them ``SystemNetlink``, unit tests a recording fake.
public protocol Netlink: Sendable {
    /// A conversation with the kernel inside `namespace`. The socket is made there once and stays there, whichever
    /// thread then uses it; close it when done (it holds a reference on the namespace).
    func session(in namespace: NetworkNamespace) throws -> any NetlinkSession
}

/// One netlink socket in one namespace. Not for concurrent use.
public protocol NetlinkSession: AnyObject {
    var namespace: NetworkNamespace { get }
    /// Sends `request`, waits for the kernel's answer and checks it (an error names the step); returns the
    /// objects the answer carried (every one for a dump, the link for a lookup, none for a change).
    @discardableResult
    func perform(_ request: NetlinkRequest) throws -> [NetlinkObject]
    func close()
}

extension Netlink {
    /// Opens a session in `namespace`, runs `body` and closes it.
    public func withSession<T>(in namespace: NetworkNamespace, _ body: (any NetlinkSession) throws -> T) throws -> T {
        let session = try session(in: namespace)
        defer { session.close() }
        return try body(session)
    }
}

extension NetlinkSession {
    // MARK: links

    public func addLink(_ spec: LinkSpec) throws { try perform(.addLink(spec)) }
    public func setLink(_ link: LinkReference, _ change: LinkChange) throws { try perform(.setLink(link, change)) }
    public func deleteLink(_ link: LinkReference) throws { try perform(.deleteLink(link)) }

    /// Deletes a link; quiet when it is not there.
    public func deleteLinkIfPresent(_ link: LinkReference) throws {
        do { try perform(.deleteLink(link)) } catch let e as NetlinkError where e.isMissing {}
    }

    /// The link, or nil when there is none of that name or index.
    public func link(_ link: LinkReference) throws -> Link? {
        do {
            for case .link(let l) in try perform(.getLink(link)) { return l }
            return nil
        } catch let e as NetlinkError where e.isMissing {
            return nil
        }
    }

    public func links() throws -> [Link] {
        try perform(.listLinks).compactMap { if case .link(let l) = $0 { return l } else { return nil } }
    }

    // MARK: addresses

    public func addAddress(_ a: InterfaceAddress) throws { try perform(.addAddress(a, replace: false)) }
    public func replaceAddress(_ a: InterfaceAddress) throws { try perform(.addAddress(a, replace: true)) }
    public func deleteAddress(_ a: InterfaceAddress) throws { try perform(.deleteAddress(a)) }
    /// IPv4 addresses, each naming its link by index.
    public func addresses() throws -> [InterfaceAddress] {
        try perform(.listAddresses).compactMap { if case .address(let a) = $0 { return a } else { return nil } }
    }

    // MARK: routes

    public func addRoute(_ r: IPv4Route) throws { try perform(.addRoute(r, replace: false)) }
    public func addAddress6(_ a: InterfaceAddress6) throws { try perform(.addAddress6(a)) }
    public func addRoute6(_ r: IPv6Route) throws { try perform(.addRoute6(r)) }
    public func replaceRoute(_ r: IPv4Route) throws { try perform(.addRoute(r, replace: true)) }
    public func deleteRoute(_ r: IPv4Route) throws { try perform(.deleteRoute(r)) }
    /// IPv4 routes of every table, each naming its device by index.
    public func routes() throws -> [IPv4Route] {
        try perform(.listRoutes).compactMap { if case .route(let r) = $0 { return r } else { return nil } }
    }

    // MARK: neighbours and FDB entries

    public func replaceNeighbour(_ n: Neighbour) throws { try perform(.replaceNeighbour(n)) }
    public func deleteNeighbour(_ n: Neighbour) throws { try perform(.deleteNeighbour(n)) }
    public func neighbours() throws -> [Neighbour] {
        try perform(.listNeighbours).compactMap { if case .neighbour(let n) = $0 { return n } else { return nil } }
    }

    public func replaceFDB(_ e: FDBEntry) throws { try perform(.replaceFDB(e)) }
    public func deleteFDB(_ e: FDBEntry) throws { try perform(.deleteFDB(e)) }
    public func fdb() throws -> [FDBEntry] {
        try perform(.listFDB).compactMap { if case .fdb(let e) = $0 { return e } else { return nil } }
    }
}
