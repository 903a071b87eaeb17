import CCurl
import Foundation

/// One libcurl handle kept for many requests, so they share one kept-alive TLS connection: for the data plane,
/// where a copy makes a request per few megabytes on each of its lanes. Not for concurrent use: one per thread.
///
/// TLS is `client`'s (its CA alone trusted, its client certificate presented); there is no limit on a whole
/// request, only on connecting and on a transfer that stalls (no byte for `stallSeconds`).
public final class CurlSession {
    public let client: HTTPSClient
    public let stallSeconds: Int
    private var handle: UnsafeMutableRawPointer?

    public init(client: HTTPSClient, stallSeconds: Int = 60) {
        self.client = client
        self.stallSeconds = stallSeconds
    }

    deinit { if let handle { curl_easy_cleanup(handle) } }

    /// Drops the connection (after a request that stopped part way).
    public func reset() {
        if let handle { curl_easy_cleanup(handle) }
        handle = nil
    }

    /// Sends one request. `body` is sent as it is (not copied; `Content-Type: application/octet-stream` unless
    /// `json`); a 2xx response's body goes to `sink` when given, else into the answer. Transport failures and what
    /// `sink` throws are thrown.
    public func perform(method: String, url: String, body: UnsafeRawBufferPointer? = nil, json: Bool = false,
                        sink: ((UnsafeRawBufferPointer) throws -> Void)? = nil) throws -> HTTPResponse {
        guard ccurl_global_init_once() == CURLE_OK else {
            throw HTTPClientError.transfer(url: url, code: -1, detail: "curl_global_init failed")
        }
        if handle == nil { handle = curl_easy_init() }
        guard let handle else { throw HTTPClientError.transfer(url: url, code: -1, detail: "curl_easy_init failed") }
        // Reset keeps the handle's live connections; every option is set afresh below.
        curl_easy_reset(handle)
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(ccurl_error_size) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(ccurl_error_size) + 1)
        defer { errorBuffer.deallocate() }
        let transfer = CurlTransfer()
        transfer.sink = sink
        let pointer = Unmanaged.passUnretained(transfer).toOpaque()
        var list: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(list) }
        for field in ["Expect:", "Content-Type: " + (json ? "application/json" : "application/octet-stream")] {
            list = curl_slist_append(list, field)
        }
        var setup: [CURLcode] = [
            ccurl_setopt_str(handle, CURLOPT_URL, url),
            ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1),
            ccurl_setopt_ptr(handle, CURLOPT_ERRORBUFFER, errorBuffer),
            ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, HTTPSClient.milliseconds(client.connectTimeout)),
            ccurl_setopt_long(handle, CURLOPT_LOW_SPEED_LIMIT, 1),
            ccurl_setopt_long(handle, CURLOPT_LOW_SPEED_TIME, stallSeconds),
            ccurl_setopt_str(handle, CURLOPT_PROTOCOLS_STR, "https"),
            ccurl_setopt_long(handle, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1),
            ccurl_setopt_long(handle, CURLOPT_BUFFERSIZE, 512 << 10),
            ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, list),
            ccurl_setopt_writefn(handle, CurlTransfer.writeCallback, pointer),
            ccurl_setopt_headerfn(handle, CurlTransfer.headerCallback, pointer),
        ]
        if let tls = client.tls {
            setup += [
                ccurl_setopt_str(handle, CURLOPT_CAINFO, tls.caPath),
                ccurl_setopt_str(handle, CURLOPT_CAPATH, nil),
                ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1),
                ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2),
                ccurl_setopt_str(handle, CURLOPT_SSLCERTTYPE, "PEM"),
                ccurl_setopt_str(handle, CURLOPT_SSLCERT, tls.certPath),
                ccurl_setopt_str(handle, CURLOPT_SSLKEY, tls.keyPath),
            ]
        }
        if let body {
            setup.append(ccurl_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
            // POSTFIELDS points at the caller's bytes for the length of this call; an empty body needs a pointer too.
            setup.append(ccurl_setopt_ptr(handle, CURLOPT_POSTFIELDS,
                                          UnsafeMutableRawPointer(mutating: body.baseAddress ?? UnsafeRawPointer(errorBuffer))))
            if method != "POST" { setup.append(ccurl_setopt_str(handle, CURLOPT_CUSTOMREQUEST, method)) }
        } else {
            setup += HTTPSClient.methodOptions(handle, method: method, body: nil)
        }
        if let failed = setup.first(where: { $0 != CURLE_OK }) {
            throw client.error(for: failed, handle: handle, message: String(cString: errorBuffer), url: url,
                               transfer: transfer)
        }
        let result = curl_easy_perform(handle)
        if let error = transfer.sinkError {
            reset()
            throw error
        }
        guard result == CURLE_OK else {
            let error = client.error(for: result, handle: handle, message: String(cString: errorBuffer), url: url,
                                     transfer: transfer)
            reset()
            throw error
        }
        var status = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return HTTPResponse(status: status, headers: transfer.headers, body: transfer.body)
    }
}
