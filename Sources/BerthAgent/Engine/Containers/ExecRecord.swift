/// An exec instance: created by `POST /containers/{id}/exec`, run by `POST /exec/{id}/start`.
struct ExecRecord: Sendable {
    var id: String
    var containerID: String
    var request: ExecCreateRequest
    var running = false
    var exitCode: Int?
    var pid = 0
}
