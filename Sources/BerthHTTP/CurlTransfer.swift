import CCurl
import Foundation

/// What libcurl's callbacks collect during one transfer.
final class CurlTransfer {
    var body = Data()
    var headers: [String: String] = [:]
    /// Whether any response began (a status line arrived).
    var sawStatusLine = false
    /// The status of the latest status line.
    var status = 0
    /// Where a successful (2xx) response's body goes instead of `body`, as it arrives.
    var sink: ((UnsafeRawBufferPointer) throws -> Void)?
    /// What `sink` threw; the transfer was stopped there.
    var sinkError: Error?

    /// Records one raw header line. A new status line (after `100 Continue`, say) starts the headers afresh.
    func addHeaderLine(_ line: String) {
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("HTTP/") {
            sawStatusLine = true
            status = trimmed.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
            headers = [:]
            return
        }
        guard let colon = trimmed.firstIndex(of: ":") else { return }
        let name = trimmed[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
        let value = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        if let existing = headers[name] {
            headers[name] = existing + ", " + value
        } else {
            headers[name] = value
        }
    }

    /// CURLOPT_WRITEFUNCTION: appends body bytes.
    static let writeCallback: ccurl_data_fn = { data, size, count, userdata in
        let length = size * count
        guard let userdata else { return 0 }
        let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
        guard let data, length > 0 else { return length }
        if let sink = transfer.sink, (200..<300).contains(transfer.status) {
            do {
                try sink(UnsafeRawBufferPointer(start: data, count: length))
            } catch {
                transfer.sinkError = error
                return 0  // stops the transfer with CURLE_WRITE_ERROR
            }
            return length
        }
        transfer.body.append(UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self), count: length)
        return length
    }

    /// CURLOPT_HEADERFUNCTION: one header line per call.
    static let headerCallback: ccurl_data_fn = { data, size, count, userdata in
        let length = size * count
        guard let userdata else { return 0 }
        let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
        if let data, length > 0 {
            let bytes = UnsafeRawBufferPointer(start: data, count: length)
            transfer.addHeaderLine(String(decoding: bytes, as: UTF8.self))
        }
        return length
    }
}
