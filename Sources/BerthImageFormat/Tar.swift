/// Tar headers in ustar form, with PAX extended headers for long paths, large sizes and xattrs, and GNU long
/// names understood on reading. Pure: callers feed and take bytes.
public enum TarEntryType: Sendable, Equatable {
    case file, hardlink, symlink, characterDevice, blockDevice, directory, fifo

    var flag: UInt8 {
        switch self {
        case .file: return UInt8(ascii: "0")
        case .hardlink: return UInt8(ascii: "1")
        case .symlink: return UInt8(ascii: "2")
        case .characterDevice: return UInt8(ascii: "3")
        case .blockDevice: return UInt8(ascii: "4")
        case .directory: return UInt8(ascii: "5")
        case .fifo: return UInt8(ascii: "6")
        }
    }
}

/// One member of a tar archive.
public struct TarEntry: Sendable, Equatable {
    /// The member's path as stored, without a leading `./` or `/` and without a trailing `/`.
    public var path: String
    public var type: TarEntryType
    /// Permission bits plus setuid/setgid/sticky (07777).
    public var mode: UInt32
    public var uid: Int
    public var gid: Int
    public var size: Int
    /// Seconds since the epoch.
    public var mtime: Int
    public var linkName: String
    public var devMajor: UInt32
    public var devMinor: UInt32
    /// Extended attributes (PAX `SCHILY.xattr.*`), sorted by name when written.
    public var xattrs: [String: [UInt8]]

    public init(path: String, type: TarEntryType, mode: UInt32 = 0o644, uid: Int = 0, gid: Int = 0, size: Int = 0,
                mtime: Int = 0, linkName: String = "", devMajor: UInt32 = 0, devMinor: UInt32 = 0,
                xattrs: [String: [UInt8]] = [:]) {
        self.path = path
        self.type = type
        self.mode = mode
        self.uid = uid
        self.gid = gid
        self.size = size
        self.mtime = mtime
        self.linkName = linkName
        self.devMajor = devMajor
        self.devMinor = devMinor
        self.xattrs = xattrs
    }

    /// The path with a leading `./`, `/` and trailing `/` removed; `.` for the root.
    public static func clean(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) where part != "." {
            parts.append(part)
        }
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }
}

public enum TarError: Error, Equatable, CustomStringConvertible {
    case truncated
    case badChecksum
    case badNumber(String)
    case unsafePath(String)

    public var description: String {
        switch self {
        case .truncated: return "unexpected end of tar archive"
        case .badChecksum: return "invalid tar header (checksum mismatch)"
        case .badNumber(let field): return "invalid tar header (bad \(field))"
        case .unsafePath(let path): return "unsafe path in archive: \(path)"
        }
    }
}

// MARK: writing

public enum TarWriter {
    public static let blockSize = 512

    /// The header blocks of `entry` (a PAX header first when needed). Deterministic for equal entries.
    public static func header(_ entry: TarEntry) -> [UInt8] {
        var path = entry.path
        if entry.type == .directory, path != ".", !path.hasSuffix("/") { path += "/" }
        var pax: [(String, String)] = []
        var name = path
        var prefix = ""
        if path.utf8.count > 100 {
            if let split = splitUstar(path) {
                (prefix, name) = split
            } else {
                pax.append(("path", path))
                name = String(decoding: Array(path.utf8.prefix(100)), as: UTF8.self)
            }
        }
        var link = entry.linkName
        if link.utf8.count > 100 {
            pax.append(("linkpath", link))
            link = String(decoding: Array(link.utf8.prefix(100)), as: UTF8.self)
        }
        let size = entry.type == .file ? entry.size : 0
        if size > 0o77777777777 { pax.append(("size", String(size))) }
        for key in entry.xattrs.keys.sorted() {
            pax.append(("SCHILY.xattr." + key, String(decoding: entry.xattrs[key]!, as: UTF8.self)))
        }
        var out: [UInt8] = []
        if !pax.isEmpty {
            var records: [UInt8] = []
            for (key, value) in pax { records += paxRecord(key, Array(value.utf8)) }
            // xattr values are bytes, not text: rebuild those records from the raw bytes.
            if !entry.xattrs.isEmpty {
                records = []
                for (key, value) in pax where !key.hasPrefix("SCHILY.xattr.") { records += paxRecord(key, Array(value.utf8)) }
                for key in entry.xattrs.keys.sorted() { records += paxRecord("SCHILY.xattr." + key, entry.xattrs[key]!) }
            }
            let paxName = "PaxHeaders/" + String(decoding: Array(name.utf8.suffix(80)), as: UTF8.self)
            out += block(name: paxName, prefix: "", mode: 0o644, uid: 0, gid: 0, size: records.count,
                         mtime: entry.mtime, flag: UInt8(ascii: "x"), link: "", uname: "", gname: "", major: 0, minor: 0)
            out += records
            out += padding(records.count)
        }
        out += block(name: name, prefix: prefix, mode: entry.mode & 0o7777, uid: entry.uid, gid: entry.gid,
                     size: size > 0o77777777777 ? 0 : size, mtime: entry.mtime, flag: entry.type.flag, link: link,
                     uname: "", gname: "", major: entry.devMajor, minor: entry.devMinor)
        return out
    }

    /// Zeros up to the next block boundary after `size` bytes of contents.
    public static func padding(_ size: Int) -> [UInt8] {
        let rest = size % blockSize
        return rest == 0 ? [] : [UInt8](repeating: 0, count: blockSize - rest)
    }

    /// The two zero blocks that end an archive.
    public static let end = [UInt8](repeating: 0, count: 2 * blockSize)

    /// A whole archive in memory: each entry with its contents (`contents[i]` for files, ignored otherwise).
    public static func archive(_ entries: [(TarEntry, [UInt8])]) -> [UInt8] {
        var out: [UInt8] = []
        for (entry, data) in entries {
            var entry = entry
            if entry.type == .file { entry.size = data.count }
            out += header(entry)
            if entry.type == .file {
                out += data
                out += padding(data.count)
            }
        }
        return out + end
    }

    static func paxRecord(_ key: String, _ value: [UInt8]) -> [UInt8] {
        let body = Array(" \(key)=".utf8) + value + [UInt8(ascii: "\n")]
        var length = body.count + 1
        while String(length).utf8.count + body.count != length { length = String(length).utf8.count + body.count }
        return Array(String(length).utf8) + body
    }

    static func splitUstar(_ path: String) -> (String, String)? {
        let bytes = Array(path.utf8)
        guard bytes.count <= 256 else { return nil }
        for i in stride(from: min(bytes.count - 1, 155), through: 1, by: -1) where bytes[i] == UInt8(ascii: "/") {
            let name = bytes[(i + 1)...]
            if name.count <= 100, !name.isEmpty {
                return (String(decoding: bytes[..<i], as: UTF8.self), String(decoding: name, as: UTF8.self))
            }
            if name.count > 100 { return nil }
        }
        return nil
    }

    static func block(name: String, prefix: String, mode: UInt32, uid: Int, gid: Int, size: Int, mtime: Int,
                      flag: UInt8, link: String, uname: String, gname: String, major: UInt32, minor: UInt32) -> [UInt8] {
        var b = [UInt8](repeating: 0, count: blockSize)
        func put(_ text: String, _ offset: Int, _ width: Int) {
            for (i, byte) in text.utf8.prefix(width).enumerated() { b[offset + i] = byte }
        }
        func octal(_ value: Int, _ offset: Int, _ width: Int) {
            if value < 0 || String(value, radix: 8).count > width - 1 {
                // base-256 for values that do not fit (large uids, sizes, negative times)
                var v = value
                for i in stride(from: offset + width - 1, to: offset, by: -1) {
                    b[i] = UInt8(truncatingIfNeeded: v)
                    v >>= 8
                }
                b[offset] = 0x80 | (value < 0 ? 0x7f : 0)
                return
            }
            let text = String(value, radix: 8)
            put(String(repeating: "0", count: width - 1 - text.count) + text, offset, width - 1)
        }
        put(name, 0, 100)
        octal(Int(mode), 100, 8)
        octal(uid, 108, 8)
        octal(gid, 116, 8)
        octal(size, 124, 12)
        octal(mtime, 136, 12)
        b[156] = flag
        put(link, 157, 100)
        put("ustar", 257, 6)
        put("00", 263, 2)
        put(uname, 265, 32)
        put(gname, 297, 32)
        if flag == UInt8(ascii: "3") || flag == UInt8(ascii: "4") {
            octal(Int(major), 329, 8)
            octal(Int(minor), 337, 8)
        }
        put(prefix, 345, 155)
        for i in 148..<156 { b[i] = UInt8(ascii: " ") }
        let sum = b.reduce(0) { $0 + Int($1) }
        let text = String(sum, radix: 8)
        put(String(repeating: "0", count: 6 - text.count) + text, 148, 6)
        b[154] = 0
        b[155] = UInt8(ascii: " ")
        return b
    }
}

// MARK: reading

/// Where a ``TarReader`` gets its bytes.
public protocol TarInput {
    /// Up to `count` bytes; fewer only at the end of the input.
    mutating func read(_ count: Int) throws -> [UInt8]
}

/// An archive held in memory.
public struct TarBytes: TarInput {
    let bytes: [UInt8]
    var offset = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public mutating func read(_ count: Int) throws -> [UInt8] {
        let end = min(bytes.count, offset + count)
        defer { offset = end }
        return Array(bytes[offset..<end])
    }
}

/// Reads entries one by one. After ``next()``, the entry's contents may be read with ``readContents()`` or
/// ``readContents(chunk:)``; unread contents are skipped by the following ``next()``.
public struct TarReader<Input: TarInput> {
    public var input: Input
    private var remaining = 0
    private var pad = 0

    public init(_ input: Input) { self.input = input }

    public mutating func next() throws -> TarEntry? {
        try skipRest()
        var pax: [String: [UInt8]] = [:]
        var longName: String?
        var longLink: String?
        while true {
            let block = try input.read(TarWriter.blockSize)
            if block.isEmpty { return nil }
            guard block.count == TarWriter.blockSize else { throw TarError.truncated }
            if block.allSatisfy({ $0 == 0 }) { return nil }
            let stored = try Self.number(block[148..<156], "checksum")
            var sum = 0
            for (i, byte) in block.enumerated() { sum += (148..<156).contains(i) ? 32 : Int(byte) }
            guard stored == sum else { throw TarError.badChecksum }
            let flag = block[156]
            let size = try Self.number(block[124..<136], "size")
            switch flag {
            case UInt8(ascii: "x"), UInt8(ascii: "g"):
                let data = try readExactly(size)
                if flag == UInt8(ascii: "x") { pax.merge(Self.parsePax(data)) { $1 } }
                continue
            case UInt8(ascii: "L"):
                longName = Self.string(try readExactly(size)[...])
                continue
            case UInt8(ascii: "K"):
                longLink = Self.string(try readExactly(size)[...])
                continue
            default:
                break
            }
            var name = Self.string(block[0..<100])
            let magic = Self.string(block[257..<263])
            if magic.hasPrefix("ustar") {
                let prefix = Self.string(block[345..<500])
                if !prefix.isEmpty { name = prefix + "/" + name }
            }
            if let longName { name = longName }
            if let value = pax["path"] { name = String(decoding: value, as: UTF8.self) }
            var link = Self.string(block[157..<257])
            if let longLink { link = longLink }
            if let value = pax["linkpath"] { link = String(decoding: value, as: UTF8.self) }
            var entrySize = size
            if let value = pax["size"], let parsed = Int(String(decoding: value, as: UTF8.self)) { entrySize = parsed }
            let type: TarEntryType
            switch flag {
            case UInt8(ascii: "0"), 0, UInt8(ascii: "7"): type = name.hasSuffix("/") ? .directory : .file
            case UInt8(ascii: "1"): type = .hardlink
            case UInt8(ascii: "2"): type = .symlink
            case UInt8(ascii: "3"): type = .characterDevice
            case UInt8(ascii: "4"): type = .blockDevice
            case UInt8(ascii: "5"): type = .directory
            case UInt8(ascii: "6"): type = .fifo
            default:
                // unknown types (sparse, volume labels): skip their contents
                remaining = entrySize
                pad = TarWriter.padding(entrySize).count
                try skipRest()
                pax = [:]
                longName = nil
                longLink = nil
                continue
            }
            var xattrs: [String: [UInt8]] = [:]
            for (key, value) in pax where key.hasPrefix("SCHILY.xattr.") {
                xattrs[String(key.dropFirst("SCHILY.xattr.".count))] = value
            }
            let mtime: Int
            if let value = pax["mtime"], let seconds = Int(String(decoding: value, as: UTF8.self).split(separator: ".")[0]) {
                mtime = seconds
            } else {
                mtime = try Self.number(block[136..<148], "mtime")
            }
            var uid = try Self.number(block[108..<116], "uid")
            var gid = try Self.number(block[116..<124], "gid")
            if let v = pax["uid"], let n = Int(String(decoding: v, as: UTF8.self)) { uid = n }
            if let v = pax["gid"], let n = Int(String(decoding: v, as: UTF8.self)) { gid = n }
            let hasData = type == .file
            remaining = hasData ? entrySize : 0
            pad = hasData ? TarWriter.padding(entrySize).count : 0
            if !hasData, entrySize > 0 {  // some writers give hard links a size: skip it
                remaining = entrySize
                pad = TarWriter.padding(entrySize).count
            }
            return TarEntry(path: TarEntry.clean(name), type: type,
                            mode: UInt32(truncatingIfNeeded: try Self.number(block[100..<108], "mode")) & 0o7777,
                            uid: uid, gid: gid, size: hasData ? entrySize : 0, mtime: mtime,
                            linkName: type == .hardlink ? TarEntry.clean(link) : link,
                            devMajor: UInt32(truncatingIfNeeded: (try? Self.number(block[329..<337], "devmajor")) ?? 0),
                            devMinor: UInt32(truncatingIfNeeded: (try? Self.number(block[337..<345], "devminor")) ?? 0),
                            xattrs: xattrs)
        }
    }

    /// The rest of the current entry's contents.
    public mutating func readContents() throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(remaining)
        try readContents { out += $0 }
        return out
    }

    /// The rest of the current entry's contents in pieces of at most 1 MiB.
    public mutating func readContents(chunk: ([UInt8]) throws -> Void) throws {
        while remaining > 0 {
            let piece = try input.read(min(remaining, 1 << 20))
            guard !piece.isEmpty else { throw TarError.truncated }
            remaining -= piece.count
            try chunk(piece)
        }
        if pad > 0 {
            _ = try input.read(pad)
            pad = 0
        }
    }

    private mutating func skipRest() throws {
        try readContents { _ in }
    }

    private mutating func readExactly(_ size: Int) throws -> [UInt8] {
        let data = try input.read(size)
        guard data.count == size else { throw TarError.truncated }
        let p = TarWriter.padding(size).count
        if p > 0 { _ = try input.read(p) }
        return data
    }

    static func string(_ bytes: ArraySlice<UInt8>) -> String {
        let end = bytes.firstIndex(of: 0) ?? bytes.endIndex
        return String(decoding: bytes[bytes.startIndex..<end], as: UTF8.self)
    }

    static func number(_ bytes: ArraySlice<UInt8>, _ field: String) throws -> Int {
        if let first = bytes.first, first & 0x80 != 0 {
            var value = Int(first & 0x7f)
            for byte in bytes.dropFirst() { value = value << 8 | Int(byte) }
            return value
        }
        let text = string(bytes).trimmingCharacters(" ")
        if text.isEmpty { return 0 }
        guard let value = Int(text, radix: 8) else { throw TarError.badNumber(field) }
        return value
    }

    static func parsePax(_ data: [UInt8]) -> [String: [UInt8]] {
        var out: [String: [UInt8]] = [:]
        var i = 0
        while i < data.count {
            guard let space = data[i...].firstIndex(of: UInt8(ascii: " ")),
                  let length = Int(String(decoding: data[i..<space], as: UTF8.self)), length > 0,
                  i + length <= data.count else { break }
            let record = data[(space + 1)..<(i + length - 1)]
            if let eq = record.firstIndex(of: UInt8(ascii: "=")) {
                out[String(decoding: record[record.startIndex..<eq], as: UTF8.self)] = Array(record[(eq + 1)...])
            }
            i += length
        }
        return out
    }
}

extension String {
    func trimmingCharacters(_ set: Character...) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) || f == "\0" { s = s.dropFirst() }
        while let l = s.last, set.contains(l) || l == "\0" { s = s.dropLast() }
        return String(s)
    }
}

// MARK: whiteouts

/// Docker's layer whiteouts: `.wh.NAME` deletes NAME from the layers below; `.wh..wh..opq` in a directory hides
/// everything the lower layers have in it.
public enum Whiteout {
    public static let prefix = ".wh."
    public static let opaqueMarker = ".wh..wh..opq"

    public enum Kind: Equatable {
        case none
        /// Delete `path` (the whiteout's directory + the hidden name).
        case remove(String)
        /// Make the directory `path` opaque.
        case opaque(String)
    }

    public static func classify(_ path: String) -> Kind {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard let last = parts.last, last.hasPrefix(prefix) else { return .none }
        let dir = parts.dropLast().joined(separator: "/")
        if last == opaqueMarker { return .opaque(dir.isEmpty ? "." : dir) }
        let name = String(last.dropFirst(prefix.count))
        guard !name.isEmpty else { return .none }
        return .remove(dir.isEmpty ? name : dir + "/" + name)
    }

    /// The tar path of the whiteout that deletes `path`.
    public static func removal(of path: String) -> String {
        let parts = path.split(separator: "/")
        let dir = parts.dropLast().joined(separator: "/")
        let name = prefix + (parts.last.map(String.init) ?? "")
        return dir.isEmpty ? name : dir + "/" + name
    }

    /// The tar path of the marker that makes `directory` opaque.
    public static func opaque(in directory: String) -> String {
        directory == "." || directory.isEmpty ? opaqueMarker : directory + "/" + opaqueMarker
    }
}
