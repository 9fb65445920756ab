import Foundation

/// A VRT that assembles a Float32 raster from rectangles of other files (GDAL's
/// `VRTDataset` XML with one `SimpleSource` per rectangle and band), written by hand so that
/// the band descriptions, units, nodata and dataset metadata are exactly the ones given.
public struct MosaicVRT: Sendable, Equatable {
    /// A rectangle of the mosaic taken from `file` at `sourceWindow` (same size).
    public struct Piece: Sendable, Equatable {
        public var file: String
        public var sourceWindow: Window
        public var targetWindow: Window
        public init(file: String, sourceWindow: Window, targetWindow: Window) {
            self.file = file
            self.sourceWindow = sourceWindow
            self.targetWindow = targetWindow
        }
    }

    public var grid: Grid
    public var bands: [(description: String, unit: String)]
    public var nodata: Double
    public var metadata: [String: String]
    public var pieces: [Piece]
    /// The block edge of the source files (declared in the XML; GDAL reads them as they are).
    public var sourceBlockSize: Int

    public init(grid: Grid, bands: [(description: String, unit: String)], nodata: Double, metadata: [String: String],
                pieces: [Piece], sourceBlockSize: Int = 256) {
        self.grid = grid
        self.bands = bands
        self.nodata = nodata
        self.metadata = metadata
        self.pieces = pieces
        self.sourceBlockSize = sourceBlockSize
    }

    public static func == (a: MosaicVRT, b: MosaicVRT) -> Bool {
        a.grid == b.grid && a.bands.elementsEqual(b.bands, by: { $0 == $1 }) && a.nodata == b.nodata
            && a.metadata == b.metadata && a.pieces == b.pieces && a.sourceBlockSize == b.sourceBlockSize
    }

    /// The VRT's XML (source paths absolute; metadata keys sorted; AREA_OR_POINT=Area as a
    /// GeoTIFF declares it).
    public var xml: String {
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        func num(_ d: Double) -> String { d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : "\(d)" }
        let gt = grid.transform.gdal.map { String(format: "%.17g", $0) }.joined(separator: ", ")
        var x = "<VRTDataset rasterXSize=\"\(grid.width)\" rasterYSize=\"\(grid.height)\">\n"
        x += "  <SRS dataAxisToSRSAxisMapping=\"1,2\">\(esc(grid.crsWKT))</SRS>\n"
        x += "  <GeoTransform>\(gt)</GeoTransform>\n"
        x += "  <Metadata>\n"
        for (k, v) in (metadata.merging(["AREA_OR_POINT": "Area"]) { a, _ in a }).sorted(by: { $0.key < $1.key }) {
            x += "    <MDI key=\"\(esc(k))\">\(esc(v))</MDI>\n"
        }
        x += "  </Metadata>\n"
        for (i, b) in bands.enumerated() {
            x += "  <VRTRasterBand dataType=\"Float32\" band=\"\(i + 1)\">\n"
            x += "    <Description>\(esc(b.description))</Description>\n"
            x += "    <NoDataValue>\(num(nodata))</NoDataValue>\n"
            x += "    <UnitType>\(esc(b.unit))</UnitType>\n"
            for p in pieces {
                let s = p.sourceWindow, t = p.targetWindow
                x += "    <SimpleSource>\n"
                x += "      <SourceFilename relativeToVRT=\"0\">\(esc(p.file))</SourceFilename>\n"
                x += "      <SourceBand>\(i + 1)</SourceBand>\n"
                x += "      <SourceProperties DataType=\"Float32\" BlockXSize=\"\(sourceBlockSize)\" BlockYSize=\"\(sourceBlockSize)\" />\n"
                x += "      <SrcRect xOff=\"\(s.col)\" yOff=\"\(s.row)\" xSize=\"\(s.width)\" ySize=\"\(s.height)\" />\n"
                x += "      <DstRect xOff=\"\(t.col)\" yOff=\"\(t.row)\" xSize=\"\(t.width)\" ySize=\"\(t.height)\" />\n"
                x += "    </SimpleSource>\n"
            }
            x += "  </VRTRasterBand>\n"
        }
        return x + "</VRTDataset>\n"
    }

    /// Writes the XML to `path` and opens it.
    public func write(to path: String) throws -> Dataset {
        do {
            try xml.write(toFile: path, atomically: false, encoding: .utf8)
        } catch {
            throw GDALError(operation: "write VRT", path: path, message: error.localizedDescription)
        }
        return try Dataset(path: path)
    }
}
