#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NIOCore
import NIOHTTP1

extension Response {
    /// A JSON body, encoded as dockerd does (one object and a trailing newline).
    public static func json<Value: Encodable>(_ value: Value, status: HTTPResponseStatus = .ok,
                                               headers: HTTPHeaders = [:]) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        var data = try encoder.encode(value)
        data.append(UInt8(ascii: "\n"))
        var headers = headers
        headers.replaceOrAdd(name: "Content-Type", value: "application/json")
        return Response(status: status, headers: headers, body: .buffer(ByteBuffer(bytes: data)))
    }

    /// A plain-text body.
    public static func text(_ text: String, status: HTTPResponseStatus = .ok, headers: HTTPHeaders = [:]) -> Response {
        var headers = headers
        headers.replaceOrAdd(name: "Content-Type", value: "text/plain; charset=utf-8")
        return Response(status: status, headers: headers, body: .buffer(ByteBuffer(string: text)))
    }

    /// `204 No Content`, the answer to start, stop, kill and friends.
    public static var noContent: Response { Response(status: .noContent) }

    /// The response for an ``APIError``: its status and `{"message": ...}`.
    public static func error(_ error: APIError) -> Response {
        message(HTTPResponseStatus(statusCode: error.httpStatus), error.message)
    }

    /// A `{"message": ...}` response with an explicit status, for protocol-level refusals that are not API errors
    /// (405 wrong method, 413 body too large, 400 malformed HTTP).
    public static func message(_ status: HTTPResponseStatus, _ message: String, headers: HTTPHeaders = [:]) -> Response {
        var headers = headers
        headers.replaceOrAdd(name: "Content-Type", value: "application/json")
        var body = ByteBuffer()
        body.writeString(JSONText.object(["message": message]))
        body.writeString("\n")
        return Response(status: status, headers: headers, body: .buffer(body))
    }
}
