/// A problem with the scene: the file, the field (a path such as `periods[3].ndvi`)
/// and what is wrong. `description` is the one line the command line prints.
public struct SceneError: Error, CustomStringConvertible, Sendable, Equatable {
    public var file: String
    public var field: String
    public var message: String

    public init(file: String, field: String, message: String) {
        self.file = file
        self.field = field
        self.message = message
    }

    public var description: String {
        field.isEmpty ? "\(file): \(message)" : "\(file): \(field): \(message)"
    }
}
