import Foundation
import GDALKit
import SinkmapScene
import SinkmapBase

/// Field plots as read from any GDAL vector layer (points or polygons): each plot's id, its
/// measured aboveground biomass (Mg/ha; nil when missing or not a number), the class its
/// `--class` field gives, its location and its footprint in the scene grid's pixel space.
public struct FieldPlot: Sendable {
    public var id: String
    public var agb: Double?
    /// The `--class` field's text (nil without `--class`).
    public var classText: String?
    /// The plot's centre in the grid's CRS (the point, or the polygon's envelope centre).
    public var location: SIMD2<Double>
    /// Polygons → rings → points in pixel coordinates (col, row from the grid's origin);
    /// empty when the footprint is the one pixel containing the point.
    public var footprint: [[[SIMD2<Double>]]]
}

/// How plots are read: the options `calibrate` (and a scene's `plots` block) give.
public struct PlotSource: Sendable {
    public var path: String
    public var layer: String?
    public var agbField: String
    public var idField: String?
    public var classField: String?
    /// Radius (m) of the circle around a point; nil: the pixel containing the point.
    public var radius: Double?

    public init(path: String, layer: String? = nil, agbField: String, idField: String? = nil,
                classField: String? = nil, radius: Double? = nil) {
        self.path = path
        self.layer = layer
        self.agbField = agbField
        self.idField = idField
        self.classField = classField
        self.radius = radius
    }

    /// Vertices of the polygon standing for a circle: its radius is scaled so that the polygon
    /// has the circle's area exactly (πr²).
    public static let circleVertices = 256

    /// Reads every plot, transformed to `grid`'s CRS. Refused in one line: a layer without a
    /// CRS, a geometry that is neither a point nor a polygon, a point without `radius` on a
    /// grid... (see `read`'s body), `--radius` on a geographic grid.
    public func read(grid: Grid) throws -> [FieldPlot] {
        let layer = try VectorDataset(path: path).layer(layer)
        let wanted = [agbField] + [idField, classField].compactMap { $0 }
        let features = try layer.features(fields: wanted)
        guard let source = layer.spatialReference.flatMap({ $0.isUndefined ? nil : $0 }) else {
            throw Refusal("\(path): layer '\(layer.name)' has no CRS; assign the right one, e.g. with ogr2ogr -a_srs")
        }
        let target = try SpatialReference(definition: grid.crsWKT)
        if radius != nil, target.isGeographic {
            throw Refusal("\(path): --radius needs a projected grid (the scene's grid is geographic); give the plots as polygons")
        }
        let transform = source.isSame(as: target) ? nil : try CoordinateTransform(from: source, to: target)
        let t = grid.transform
        let origin = SIMD2(t.originX, t.originY), size = SIMD2(t.pixelWidth, t.pixelHeight)
        let unit = target.isGeographic ? 1 : target.linearUnitMetres
        var plots: [FieldPlot] = []
        for f in features {
            let id = idField.map { f.fields[$0] ?? "" } ?? String(f.fid)
            guard let g = f.geometry else {
                throw Refusal("\(path): plot \(id) has no geometry")
            }
            if let transform { try g.transform(transform, path: path) }
            let agbText = f.fields[agbField]!.trimmingCharacters(in: .whitespaces)
            let agb = Double(agbText).flatMap { $0.isFinite ? $0 : nil }
            var plot = FieldPlot(id: id, agb: agb, classText: classField.map { f.fields[$0] ?? "" },
                                 location: .zero, footprint: [])
            if let p = g.point {
                plot.location = p
                if let radius {
                    let n = Self.circleVertices
                    let r = radius / unit * (2 * Double.pi / (Double(n) * sin(2 * Double.pi / Double(n)))).squareRoot()
                    let ring = (0..<n).map { k -> SIMD2<Double> in
                        let a = 2 * Double.pi * Double(k) / Double(n)
                        return (p + SIMD2(r * cos(a), r * sin(a)) - origin) / size
                    }
                    plot.footprint = [[ring]]
                }
            } else if g.isAreal {
                guard g.isValid else {
                    throw Refusal("\(path): plot \(id) has an invalid geometry (e.g. a self-intersecting ring); repair it, e.g. with ogr2ogr -makevalid")
                }
                guard let e = g.envelope else { throw Refusal("\(path): plot \(id) has an empty geometry") }
                plot.location = SIMD2((e.xmin + e.xmax) / 2, (e.ymin + e.ymax) / 2)
                plot.footprint = g.polygons.map { $0.map { ring in ring.map { ($0 - origin) / size } } }
            } else {
                throw Refusal("\(path): plot \(id) is a \(g.typeName); plots must be points or polygons")
            }
            plots.append(plot)
        }
        guard !plots.isEmpty else { throw Refusal("\(path): the layer '\(layer.name)' has no plots") }
        return plots
    }

    /// "id X" or "ids X, Y": at most ten ids, then how many more.
    public static func ids(_ ids: [String]) -> String {
        (ids.count == 1 ? "id " : "ids ")
            + (ids.count <= 10 ? ids.joined(separator: ", ") : ids.prefix(10).joined(separator: ", ") + " and \(ids.count - 10) more")
    }
}
