import ArgumentParser

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Compute the one map of a scene.")
    @Argument(help: "The scene file (YAML).") var scene: String
    func run() throws { throw fail(ValidationError("not implemented yet")) }
}
struct ZonalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "zonal", abstract: "Zonal statistics of a raster band over polygons.")
    @Argument var raster: String
    func run() throws { throw fail(ValidationError("not implemented yet")) }
}
