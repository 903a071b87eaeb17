/// The answer of `POST /containers/{id}/wait`.
public struct ContainerWaitResponse: Codable, Sendable {
    public struct WaitError: Codable, Sendable { public var Message: String }
    public var StatusCode: Int
    public var Error: WaitError?
}
