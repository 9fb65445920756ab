/// How a class's carbon fluxes are obtained (the table's optional `method` column).
public enum FluxMethod: String, Sendable, Equatable, CaseIterable {
    /// NPP by CASA, Rh by the scene's respiration model, NEP = NPP − Rh (SPEC §3).
    case casa
    /// No flux: NPP = Rh = NEP = 0 (open water, sealed surfaces, ice); area and carbon stock
    /// are still counted.
    case none
}

/// One row of the parameter table (SPEC §4): the model parameters of one land-cover code.
public struct ClassParameters: Sendable, Equatable {
    /// Land-cover code as stored in the land-cover raster.
    public var code: Int
    public var name: String
    public var ecosystem: Ecosystem
    /// Maximum light-use efficiency ε_max, gC MJ⁻¹.
    public var epsMax: Double
    /// NDVI bounds of the class (dimensionless, −1 < ndviMin < ndviMax < 1).
    public var ndviMin: Double, ndviMax: Double
    /// Allometry AGB = agbA·h^agbB (Mg ha⁻¹ from canopy height h in m); both nil when the class has none.
    public var agbA: Double?, agbB: Double?
    /// Root:shoot ratio (below- to aboveground biomass), dimensionless.
    public var rootShoot: Double
    /// Carbon pools, Mg C ha⁻¹ (InVEST convention): aboveground, belowground, soil, dead organic matter.
    public var cAbove: Double, cBelow: Double, cSoil: Double, cDead: Double
    /// How the fluxes are obtained (default CASA).
    public var method: FluxMethod

    public init(
        code: Int, name: String, ecosystem: Ecosystem,
        epsMax: Double, ndviMin: Double, ndviMax: Double,
        agbA: Double? = nil, agbB: Double? = nil,
        rootShoot: Double, cAbove: Double, cBelow: Double, cSoil: Double, cDead: Double, method: FluxMethod = .casa
    ) {
        self.code = code; self.name = name; self.ecosystem = ecosystem
        self.epsMax = epsMax; self.ndviMin = ndviMin; self.ndviMax = ndviMax
        self.agbA = agbA; self.agbB = agbB
        self.rootShoot = rootShoot
        self.cAbove = cAbove; self.cBelow = cBelow; self.cSoil = cSoil; self.cDead = cDead
        self.method = method
    }

    /// True when the lidar allometry applies to this class.
    public var hasAllometry: Bool { agbA != nil && agbB != nil }
}
