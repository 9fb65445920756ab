/// What sinkmap refuses to do, in the one line the command line prints after `sinkmap: error: `:
/// the file or option concerned and what is wrong with it. The one error type of every layer for
/// a refusal that needs no more than its text; the errors with fields a caller reads (GDAL's
/// failures, the scene's, the parameter table's, an input's values) keep their own types and
/// describe themselves in one line the same way.
public struct Refusal: Error, CustomStringConvertible, Sendable, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
