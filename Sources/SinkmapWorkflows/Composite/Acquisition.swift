import Foundation
import SinkmapKernels

/// One acquisition: its date, red and NIR bands and quality band, and how to read them.
public struct Acquisition: Sendable, Equatable {
    public var id: String
    public var year: Int, month: Int, day: Int
    public var red: String, nir: String, qa: String
    public var qaType: QualityType
    public var redScaling: ReflectanceScaling, nirScaling: ReflectanceScaling

    public var date: String { String(format: "%04d-%02d-%02d", year, month, day) }
}

/// Which sensors the catalogue looks for.
public enum SensorChoice: String, Sendable, CaseIterable {
    case auto, landsatC2L2 = "landsat-c2-l2", sentinel2L2A = "sentinel2-l2a", manifest
}
