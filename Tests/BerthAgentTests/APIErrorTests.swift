@testable import BerthAgent
import Foundation
import Testing

@Suite("APIError")
struct APIErrorTests {
    @Test(arguments: [(APIError.Code.notFound, 404), (.conflict, 409), (.invalidArgument, 400),
                      (.unauthorized, 401), (.forbidden, 403), (.notImplemented, 501), (.unavailable, 503),
                      (.internal, 500), (.unknown, 500)])
    func codeMapsToStatus(code: APIError.Code, status: Int) {
        #expect(code.httpStatus == status)
        if code != .unknown {
            #expect(APIError.Code(httpStatus: status) == code)
        }
    }

    @Test func unknownCodesDecodeAsUnknown() throws {
        let codes = try JSONDecoder().decode([APIError.Code].self, from: Data(#"["conflict","exploded"]"#.utf8))
        #expect(codes == [.conflict, .unknown])
        #expect(APIError.Code(httpStatus: 418) == .unknown)
    }

    @Test func convertibleErrorsConvertOnce() {
        #expect(APIError(from: RoutingError.versionTooOld(APIVersion(major: 1, minor: 12))).code == .invalidArgument)
        #expect(APIError(from: APIError.conflict("x")) == APIError.conflict("x"))
        #expect(APIError(from: TestFailure()).code == .internal)
    }

    @Test func errorMessageBodyEscapesJSON() {
        let response = Response.message(.badRequest, "quote \" backslash \\ newline \n tab \t bell \u{7}")
        guard case .buffer(let buffer) = response.body else { Issue.record("no body"); return }
        let decoded = try? JSONDecoder().decode(ErrorMessage.self, from: Data(String(buffer: buffer).utf8))
        #expect(decoded?.message == "quote \" backslash \\ newline \n tab \t bell \u{7}")
    }

    private struct TestFailure: Error {}
}
