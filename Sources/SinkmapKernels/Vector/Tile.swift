/// One tile of `count` pixels for `CarbonKernels.run`. All pointers are caller-owned and
/// must stay valid for the call. Monthly planes are month-major:
/// value(month m, pixel i) = plane[m * count + i], m = 0..11 (January … December).
///
/// Nodata is NaN in every Float plane (the engine converts file nodata to NaN on read).
public struct TileInputs {
    /// Number of pixels; any value ≥ 0 (need not be a multiple of the SIMD width).
    public var count: Int
    /// Class index of each pixel (position in `ParameterTable.classes`); −1 = not computed
    /// (land-cover nodata or a code not in the table). Any other out-of-range value is treated as −1.
    public var classIndex: UnsafePointer<Int32>
    /// NDVI, dimensionless, 12·count.
    public var ndvi: UnsafePointer<Float>
    /// Monthly mean air temperature, °C, 12·count.
    public var temperature: UnsafePointer<Float>
    /// Monthly precipitation, mm month⁻¹, 12·count. Negative values are bad input: the kernel treats
    /// the pixel as nodata for NPP, Rh and NEP (the engine reports them separately).
    public var precipitation: UnsafePointer<Float>
    /// Total solar radiation, MJ m⁻² month⁻¹, 12·count.
    public var radiation: UnsafePointer<Float>
    /// Canopy height, m, count values; nil when the scene has no lidar. NaN (or ±∞) = no valid height.
    public var canopyHeight: UnsafePointer<Float>?

    public init(
        count: Int, classIndex: UnsafePointer<Int32>, ndvi: UnsafePointer<Float>,
        temperature: UnsafePointer<Float>, precipitation: UnsafePointer<Float>,
        radiation: UnsafePointer<Float>, canopyHeight: UnsafePointer<Float>? = nil
    ) {
        self.count = count; self.classIndex = classIndex; self.ndvi = ndvi
        self.temperature = temperature; self.precipitation = precipitation
        self.radiation = radiation; self.canopyHeight = canopyHeight
    }
}

/// Output planes of `CarbonKernels.run`, `count` values each, caller-owned. NaN = nodata.
public struct TileOutputs {
    /// Annual NPP, gC m⁻² yr⁻¹.
    public var npp: UnsafeMutablePointer<Float>
    /// Annual heterotrophic respiration, gC m⁻² yr⁻¹.
    public var rh: UnsafeMutablePointer<Float>
    /// NEP = NPP − Rh, gC m⁻² yr⁻¹ (positive is a sink).
    public var nep: UnsafeMutablePointer<Float>
    /// Aboveground biomass, Mg ha⁻¹.
    public var agb: UnsafeMutablePointer<Float>
    /// Total carbon stock, Mg C ha⁻¹.
    public var carbon: UnsafeMutablePointer<Float>

    public init(
        npp: UnsafeMutablePointer<Float>, rh: UnsafeMutablePointer<Float>, nep: UnsafeMutablePointer<Float>,
        agb: UnsafeMutablePointer<Float>, carbon: UnsafeMutablePointer<Float>
    ) {
        self.npp = npp; self.rh = rh; self.nep = nep; self.agb = agb; self.carbon = carbon
    }
}
