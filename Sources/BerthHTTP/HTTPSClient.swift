import CCurl
import Foundation

/// A blocking HTTP(S) client on libcurl, for the controller to talk to agents and Docker engines.
///
/// With `tls`, the server must present a certificate chaining to `tls.caPath` alone (the system CAs are not
/// used) whose SAN matches the URL's host name or IP, and the client presents `tls.certPath`/`tls.keyPath`
/// (an empty `certPath` sends no client certificate). With `unixSocketPath`, requests go over that unix
/// socket in plain HTTP; the URL's host is then only the `Host` header (`http://localhost/_ping`).
///
/// Each request uses its own libcurl handle, so one client may be used from many threads at once.
public final class HTTPSClient: Sendable {
    public let tls: TLSClientFiles?
    /// The limit for a whole request, in seconds; 0 means none.
    public let timeout: TimeInterval
    /// The limit for connecting (TCP and TLS handshake), in seconds; 0 means libcurl's default.
    public let connectTimeout: TimeInterval
    public let unixSocketPath: String?

    /// - Parameters:
    ///   - tls: the CA to trust and the client certificate to present; nil for plain HTTP (or HTTPS
    ///     verified against the system CAs).
    ///   - timeout: seconds for a whole request; 0 for none.
    ///   - connectTimeout: seconds for the TCP connection and TLS handshake.
    ///   - unixSocketPath: send every request over this unix socket instead of TCP.
    public init(tls: TLSClientFiles?, timeout: TimeInterval = 30, connectTimeout: TimeInterval = 10,
                unixSocketPath: String? = nil) {
        self.tls = tls
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.unixSocketPath = unixSocketPath
    }

    /// `GET url`.
    public func get(_ url: String, headers: [String: String] = [:]) throws -> HTTPResponse {
        try request(method: "GET", url: url, headers: headers)
    }

    /// `POST url` with `body` (sent as `application/json` unless `headers` name a Content-Type).
    public func post(_ url: String, body: Data?, headers: [String: String] = [:]) throws -> HTTPResponse {
        try request(method: "POST", url: url, headers: headers, body: body)
    }

    /// Sends one request and reads the whole response. Any HTTP status is a response; only transport
    /// failures throw, as `HTTPClientError`. A body without a Content-Type header goes as `application/json`.
    public func request(method: String, url: String, headers: [String: String] = [:],
                        body: Data? = nil) throws -> HTTPResponse {
        let initResult = ccurl_global_init_once()
        guard initResult == CURLE_OK else {
            throw HTTPClientError.transfer(url: url, code: Int(initResult.rawValue), detail: "curl_global_init failed")
        }
        guard let handle = curl_easy_init() else {
            throw HTTPClientError.transfer(url: url, code: -1, detail: "curl_easy_init failed")
        }
        defer { curl_easy_cleanup(handle) }

        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(ccurl_error_size) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(ccurl_error_size) + 1)
        defer { errorBuffer.deallocate() }

        let transfer = CurlTransfer()
        let transferPointer = Unmanaged.passUnretained(transfer).toOpaque()

        var list: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(list) }
        var fields = headers.map { "\($0.key): \($0.value)" }
        if body != nil, !headers.keys.contains(where: { $0.lowercased() == "content-type" }) {
            fields.append("Content-Type: application/json")
        }
        fields.append("Expect:")
        for field in fields {
            list = curl_slist_append(list, field)
        }

        var setup: [CURLcode] = [
            ccurl_setopt_str(handle, CURLOPT_URL, url),
            ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1),
            ccurl_setopt_ptr(handle, CURLOPT_ERRORBUFFER, errorBuffer),
            ccurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, HTTPSClient.milliseconds(timeout)),
            ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, HTTPSClient.milliseconds(connectTimeout)),
            ccurl_setopt_str(handle, CURLOPT_PROTOCOLS_STR, "http,https"),
            // The Engine API is HTTP/1.1 (hijacked streams need it); never negotiate HTTP/2.
            ccurl_setopt_long(handle, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1),
            ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, list),
            ccurl_setopt_writefn(handle, CurlTransfer.writeCallback, transferPointer),
            ccurl_setopt_headerfn(handle, CurlTransfer.headerCallback, transferPointer),
        ]
        if let unixSocketPath {
            setup.append(ccurl_setopt_str(handle, CURLOPT_UNIX_SOCKET_PATH, unixSocketPath))
        }
        if let tls {
            setup += [
                ccurl_setopt_str(handle, CURLOPT_CAINFO, tls.caPath),
                ccurl_setopt_str(handle, CURLOPT_CAPATH, nil),
                ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1),
                ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2),
            ]
            if !tls.certPath.isEmpty {
                setup += [
                    ccurl_setopt_str(handle, CURLOPT_SSLCERTTYPE, "PEM"),
                    ccurl_setopt_str(handle, CURLOPT_SSLCERT, tls.certPath),
                    ccurl_setopt_str(handle, CURLOPT_SSLKEY, tls.keyPath),
                ]
            }
        }
        setup += HTTPSClient.methodOptions(handle, method: method.uppercased(), body: body)
        if let failed = setup.first(where: { $0 != CURLE_OK }) {
            throw error(for: failed, handle: handle, message: String(cString: errorBuffer), url: url,
                        transfer: transfer)
        }

        let result = curl_easy_perform(handle)
        guard result == CURLE_OK else {
            throw error(for: result, handle: handle, message: String(cString: errorBuffer), url: url,
                        transfer: transfer)
        }
        var status = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return HTTPResponse(status: status, headers: transfer.headers, body: transfer.body)
    }

    static func milliseconds(_ seconds: TimeInterval) -> Int {
        seconds > 0 ? max(1, Int((seconds * 1000).rounded())) : 0
    }

    /// The method and body options: GET and HEAD natively, a body through COPYPOSTFIELDS, other verbs
    /// through CUSTOMREQUEST.
    static func methodOptions(_ handle: UnsafeMutableRawPointer, method: String, body: Data?) -> [CURLcode] {
        var codes: [CURLcode] = []
        if let body {
            codes.append(ccurl_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
            if body.isEmpty {
                codes.append(ccurl_setopt_str(handle, CURLOPT_COPYPOSTFIELDS, ""))
            } else {
                codes.append(body.withUnsafeBytes { raw in
                    ccurl_setopt_ptr(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: raw.baseAddress))
                })
            }
            if method != "POST" { codes.append(ccurl_setopt_str(handle, CURLOPT_CUSTOMREQUEST, method)) }
            return codes
        }
        switch method {
        case "GET":
            codes.append(ccurl_setopt_long(handle, CURLOPT_HTTPGET, 1))
        case "HEAD":
            codes.append(ccurl_setopt_long(handle, CURLOPT_NOBODY, 1))
        case "POST":
            codes.append(ccurl_setopt_long(handle, CURLOPT_POST, 1))
            codes.append(ccurl_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, 0))
            codes.append(ccurl_setopt_str(handle, CURLOPT_COPYPOSTFIELDS, ""))
        default:
            codes.append(ccurl_setopt_str(handle, CURLOPT_CUSTOMREQUEST, method))
        }
        return codes
    }

    /// Maps a libcurl failure to the error a user can act on.
    func error(for code: CURLcode, handle: UnsafeMutableRawPointer, message: String, url: String,
               transfer: CurlTransfer) -> HTTPClientError {
        let detail = message.isEmpty ? String(cString: curl_easy_strerror(code)) : message
        var osErrno = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_OS_ERRNO, &osErrno)
        // A server that refuses the client certificate drops the connection during or just after the
        // handshake (with TLS 1.3 the client's side of the handshake is already complete by then).
        let droppedByPeer = osErrno == Int(ECONNRESET) || osErrno == Int(ENOTCONN) || osErrno == Int(EPIPE)
            || detail.contains("Connection reset") || detail.contains("getpeername")
        if tls != nil, !transfer.sawStatusLine, droppedByPeer,
           [CURLE_COULDNT_CONNECT, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING].contains(code) {
            return .tlsHandshakeFailed(url: url, detail: "server closed the connection (client certificate refused?): "
                                       + detail)
        }
        switch code {
        case CURLE_COULDNT_CONNECT:
            if osErrno == Int(ECONNREFUSED) { return .connectionRefused(url: url) }
            return .connectionFailed(url: url, detail: detail)
        case CURLE_OPERATION_TIMEDOUT:
            let duringConnect = detail.hasPrefix("Connection timed out") || detail.contains("SSL connection timeout")
            return .timedOut(url: url, seconds: duringConnect && connectTimeout > 0 ? connectTimeout : timeout)
        case CURLE_COULDNT_RESOLVE_HOST:
            return .cannotResolve(url: url, detail: detail)
        case CURLE_SSL_CONNECT_ERROR:
            return .tlsHandshakeFailed(url: url, detail: detail)
        case CURLE_PEER_FAILED_VERIFICATION:
            return .certificateProblem(url: url, detail: detail)
        case CURLE_SSL_CERTPROBLEM, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR:
            return .localCertificateProblem(url: url, detail: detail)
        case CURLE_RECV_ERROR, CURLE_SEND_ERROR:
            // With TLS 1.3 a server refusing the client certificate says so in an alert after the handshake.
            if tls != nil, detail.contains("alert") || detail.contains("SSL") {
                return .tlsHandshakeFailed(url: url, detail: detail)
            }
            return .connectionFailed(url: url, detail: detail)
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return .invalidURL(url: url, detail: detail)
        default:
            return .transfer(url: url, code: Int(code.rawValue), detail: detail)
        }
    }
}
