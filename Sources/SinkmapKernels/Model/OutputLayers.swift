/// The run's five output rasters, in band order: each one's file stem, description and unit
/// (UCUM-like text, as GDAL shows it), and the nodata value declared on every one. Declared
/// here, beside the kernels that compute them, so the writers, the styles, the catalogue and
/// the report read one list.
public enum OutputLayers {
    /// File stems, in the order the kernels write the planes: npp, rh, nep, agb, carbon.
    public static let names = ["npp", "rh", "nep", "agb", "carbon"]

    /// Each layer's band description and unit.
    public static let bands: [(description: String, unit: String)] = [
        ("NPP: annual net primary production (CASA)", "gC m-2 yr-1"),
        ("Rh: annual heterotrophic respiration", "gC m-2 yr-1"),
        ("NEP: net ecosystem production, NPP - Rh (positive = sink)", "gC m-2 yr-1"),
        ("AGB: aboveground biomass", "Mg ha-1"),
        ("Carbon stock: above + below ground, soil and dead organic matter", "Mg C ha-1"),
    ]

    /// Output nodata value declared on every output raster.
    public static let nodata: Float = -9999
}
