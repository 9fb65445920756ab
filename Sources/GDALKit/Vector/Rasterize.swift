import CGDAL

/// GDAL's polygon rasterizer (GDALRasterizeGeometries), by pixel centre.
public enum Rasterizer {
    /// Burns `values[i]` for `geometries[i]` into `band` of `dataset`. Geometries must be
    /// in the dataset's CRS. A pixel is burnt when the polygon contains its centre
    /// (GDAL's default, not ALL_TOUCHED); later geometries overwrite earlier ones.
    public static func burn(_ geometries: [Geometry], values: [Double], into dataset: Dataset, band: Int = 1) throws {
        precondition(geometries.count == values.count)
        guard !geometries.isEmpty else { return }
        var bands: [Int32] = [Int32(band)]
        var handles: [OGRGeometryH?] = geometries.map { $0.handle }
        var burn = values
        try GDAL.check("rasterize polygons", path: dataset.displayName) {
            handles.withUnsafeMutableBufferPointer { hs in
                GDALRasterizeGeometries(dataset.handle, 1, &bands, Int32(hs.count), hs.baseAddress,
                                        nil, nil, &burn, nil, nil, nil)
            }
        }
    }
}
