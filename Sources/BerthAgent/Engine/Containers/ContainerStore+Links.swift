import BerthCore

/// Legacy links (`--link NAME[:ALIAS]`), as dockerd makes them on the default bridge: the linked container's address
/// in `/etc/hosts` under the alias, its ID and its name, and the `ALIAS_PORT_80_TCP...`, `ALIAS_NAME` and
/// `ALIAS_ENV_...` variables in the linking container's environment.
struct LinkPlan: Sendable, Equatable {
    var hostLines: [String] = []
    var env: [String] = []
}

extension ContainerStore {
    /// `NAME[:ALIAS]`, also as dockerd stores it (`/NAME:/CONTAINER/ALIAS`): the linked name and the alias.
    static func parseLink(_ link: String) -> (name: String, alias: String) {
        let parts = link.split(separator: ":", maxSplits: 1).map(String.init)
        let name = parts.first.map { $0.hasPrefix("/") ? String($0.dropFirst()) : $0 } ?? link
        let alias = parts.count > 1 ? String(parts[1].split(separator: "/").last ?? Substring(parts[1])) : name
        return (name, alias)
    }

    /// The links of `record` as dockerd reports them in `HostConfig.Links`.
    static func linksView(_ record: ContainerRecord) -> [String]? {
        guard let links = record.hostConfig.Links, !links.isEmpty else { return nil }
        return links.map { let (name, alias) = parseLink($0); return "/\(name):/\(record.name)/\(alias)" }
    }

    /// Refuses links to containers that do not exist, at create, with dockerd's words.
    func validateLinks(_ links: [String]?) throws {
        for link in links ?? [] {
            let (name, _) = Self.parseLink(link)
            guard (try? find(name)) != nil else {
                throw APIError.invalidArgument("could not get container for \(name): No such container: \(name)")
            }
        }
    }

    /// `docker rm --link PARENT/ALIAS`: forgets the link of PARENT called ALIAS (a running container keeps its
    /// files until it restarts, as with dockerd).
    func removeLink(_ reference: String) throws {
        let path = reference.hasPrefix("/") ? String(reference.dropFirst()) : reference
        let parts = path.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2, var parent = try? find(parts[0]) else {
            throw ContainerError.noSuchContainer(reference)
        }
        let links = parent.hostConfig.Links ?? []
        let kept = links.filter { Self.parseLink($0).alias != parts[1] }
        guard kept.count < links.count else { throw ContainerError.noSuchContainer(reference) }
        parent.hostConfig.Links = kept.isEmpty ? nil : kept
        save(parent)
    }

    /// What the links of a starting container add to its `/etc/hosts` and environment.
    func linkPlan(_ record: ContainerRecord) async throws -> LinkPlan {
        var plan = LinkPlan()
        for link in record.hostConfig.Links ?? [] {
            let (name, alias) = Self.parseLink(link)
            guard let other = try? find(name) else { throw APIError.invalidArgument("could not get container for \(name): No such container: \(name)") }
            guard other.state.Running else {
                throw APIError.invalidArgument("Cannot link to a non running container: /\(other.name) AS /\(record.name)/\(alias)")
            }
            let endpoints = await networks?.endpoints(of: other.id) ?? []
            guard let address = endpoints.first?.address else { continue }
            plan.hostLines.append("\(address)\t\(alias) \(other.id.prefix(12)) \(other.name)")
            plan.env += Self.linkEnvironment(alias: alias, fullName: "/\(record.name)/\(alias)", address: "\(address)",
                                             ports: Array((other.config.ExposedPorts ?? [:]).keys),
                                             env: other.config.Env ?? [])
        }
        return plan
    }

    /// dockerd's link variables: `ALIAS_PORT` (the lowest port), per port `ALIAS_PORT_80_TCP` with `_ADDR`,
    /// `_PORT` and `_PROTO`, `ALIAS_NAME`, and the linked container's variables as `ALIAS_ENV_...` (but HOME, PATH).
    static func linkEnvironment(alias: String, fullName: String, address: String, ports: [String],
                                env: [String]) -> [String] {
        let prefix = String(alias.uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
        let sorted = ports.compactMap { port -> (Int, String)? in
            let parts = port.split(separator: "/")
            guard let number = parts.first.flatMap({ Int($0) }) else { return nil }
            return (number, parts.count > 1 ? String(parts[1]) : "tcp")
        }.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        var out: [String] = []
        if let first = sorted.first { out.append("\(prefix)_PORT=\(first.1)://\(address):\(first.0)") }
        for (number, proto) in sorted {
            let key = "\(prefix)_PORT_\(number)_\(proto.uppercased())"
            out += ["\(key)=\(proto)://\(address):\(number)", "\(key)_ADDR=\(address)", "\(key)_PORT=\(number)",
                    "\(key)_PROTO=\(proto)"]
        }
        out.append("\(prefix)_NAME=\(fullName)")
        for entry in env {
            let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0] != "HOME", parts[0] != "PATH" else { continue }
            out.append("\(prefix)_ENV_\(parts[0])=\(parts[1])")
        }
        return out
    }
}
