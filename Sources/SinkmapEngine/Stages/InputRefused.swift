/// An input whose values show it cannot be what the scene says it is (an NDVI beyond
/// [−1, 1], a land cover with fractional codes, ...), found while reading. The run stops
/// and nothing is written.
public struct InputRefused: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var band: Int
    public var message: String

    public init(path: String, band: Int, message: String) {
        self.path = path
        self.band = band
        self.message = message
    }

    public var description: String { "\(path): band \(band): \(message)" }
}
