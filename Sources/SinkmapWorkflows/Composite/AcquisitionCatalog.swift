import Foundation
import SinkmapBase
import SinkmapKernels

/// The acquisitions found in the inputs of `sinkmap composite`: Landsat C2 L2 and Sentinel-2
/// L2A recognised by their product file names, anything else through a CSV manifest.
public struct AcquisitionCatalog: Sendable {
    /// Acquisitions of the year, sorted by date then id.
    public var acquisitions: [Acquisition]
    /// Acquisitions dated outside the year (ignored).
    public var outsideYear: [Acquisition]

    /// Scans files and folders (recursively) for acquisitions; keeps those of `year`.
    public static func scan(_ inputs: [String], year: Int, sensor: SensorChoice) throws -> AcquisitionCatalog {
        var files: [String] = []
        let fm = FileManager.default
        for input in inputs {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: input, isDirectory: &isDir) else {
                throw Refusal("\(input): no such file or folder")
            }
            if isDir.boolValue {
                let base = URL(fileURLWithPath: input).standardizedFileURL.path
                for case let rel as String in fm.enumerator(atPath: base) ?? FileManager.DirectoryEnumerator() {
                    files.append(base + "/" + rel)
                }
            } else {
                files.append(URL(fileURLWithPath: input).standardizedFileURL.path)
            }
        }
        files.sort()
        var all: [Acquisition] = []
        if sensor == .auto || sensor == .landsatC2L2 { all += try landsat(files) }
        if sensor == .auto || sensor == .sentinel2L2A { all += try sentinel2(files) }
        if sensor == .auto || sensor == .manifest {
            for f in files where f.lowercased().hasSuffix(".csv") { all += try manifest(f) }
        }
        guard !all.isEmpty else {
            throw Refusal("\(inputs.joined(separator: ", ")): no acquisition found (sensor \(sensor.rawValue): Landsat C2 L2 *_SR_B*.TIF with *_QA_PIXEL.TIF, Sentinel-2 L2A B04/B08/SCL, or a CSV manifest)")
        }
        all.sort { ($0.date, $0.id) < ($1.date, $1.id) }
        return AcquisitionCatalog(acquisitions: all.filter { $0.year == year }, outsideYear: all.filter { $0.year != year })
    }

    /// `L[CE]0[789]_L2SP_PPPRRR_YYYYMMDD_YYYYMMDD_CC_TX_{SR_B*,QA_PIXEL}.TIF`: red/NIR are SR_B3/SR_B4
    /// for Landsat 7 and SR_B4/SR_B5 for Landsat 8 and 9.
    static func landsat(_ files: [String]) throws -> [Acquisition] {
        let pattern = try NSRegularExpression(
            pattern: #"^(L[CE]0([789])_L2SP_\d{6}_(\d{4})(\d{2})(\d{2})_\d{8}_\d{2}_[A-Z0-9]{2})_(SR_B\d|QA_PIXEL)\.TIF$"#,
            options: [.caseInsensitive])
        var products: [String: (sat: Int, date: (Int, Int, Int), bands: [String: String])] = [:]
        for f in files {
            let name = (f as NSString).lastPathComponent
            guard let m = pattern.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)) else { continue }
            func g(_ i: Int) -> String { String(name[Range(m.range(at: i), in: name)!]) }
            let id = g(1).uppercased()
            var p = products[id] ?? (Int(g(2))!, (Int(g(3))!, Int(g(4))!, Int(g(5))!), [:])
            p.bands[g(6).uppercased()] = f
            products[id] = p
        }
        return try products.sorted { $0.key < $1.key }.map { id, p in
            let (redBand, nirBand) = p.sat == 7 ? ("SR_B3", "SR_B4") : ("SR_B4", "SR_B5")
            guard let red = p.bands[redBand], let nir = p.bands[nirBand], let qa = p.bands["QA_PIXEL"] else {
                let missing = [redBand, nirBand, "QA_PIXEL"].filter { p.bands[$0] == nil }
                throw Refusal("\(id): Landsat product without \(missing.joined(separator: ", ")) (needs red \(redBand), NIR \(nirBand) and QA_PIXEL)")
            }
            return Acquisition(id: id, year: p.date.0, month: p.date.1, day: p.date.2, red: red, nir: nir, qa: qa,
                               qaType: .landsatQAPixel, redScaling: .landsatC2, nirScaling: .landsatC2)
        }
    }

    /// `TxxXXX_YYYYMMDDTHHMMSS_{B04,B08,SCL}[_10m|_20m|_60m].{jp2,tif}` (the L2A product's image
    /// names); the finest B04/B08 and the 20 m SCL (else the finest) of each product.
    static func sentinel2(_ files: [String]) throws -> [Acquisition] {
        let pattern = try NSRegularExpression(
            pattern: #"^(T\d{2}[A-Z]{3}_(\d{4})(\d{2})(\d{2})T\d{6})_(B04|B08|SCL)(?:_(\d{2})m)?\.(jp2|tif|tiff)$"#,
            options: [.caseInsensitive])
        var products: [String: (date: (Int, Int, Int), bands: [String: [(res: Int, path: String)]])] = [:]
        for f in files {
            let name = (f as NSString).lastPathComponent
            guard let m = pattern.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)) else { continue }
            func g(_ i: Int) -> String? { Range(m.range(at: i), in: name).map { String(name[$0]) } }
            let id = g(1)!.uppercased()
            var p = products[id] ?? ((Int(g(2)!)!, Int(g(3)!)!, Int(g(4)!)!), [:])
            p.bands[g(5)!.uppercased(), default: []].append((Int(g(6) ?? "") ?? 10, f))
            products[id] = p
        }
        return try products.sorted { $0.key < $1.key }.map { id, p in
            func pick(_ band: String, prefer: Int) -> String? {
                let c = p.bands[band] ?? []
                return (c.first { $0.res == prefer } ?? c.min { ($0.res, $0.path) < ($1.res, $1.path) })?.path
            }
            guard let red = pick("B04", prefer: 10), let nir = pick("B08", prefer: 10), let scl = pick("SCL", prefer: 20) else {
                let missing = ["B04", "B08", "SCL"].filter { p.bands[$0] == nil }
                throw Refusal("\(id): Sentinel-2 product without \(missing.joined(separator: ", ")) (needs B04, B08 and SCL)")
            }
            let offsets = boaOffsets(near: red)
            return Acquisition(id: id, year: p.date.0, month: p.date.1, day: p.date.2, red: red, nir: nir, qa: scl,
                               qaType: .sentinel2SCL, redScaling: .sentinel2(offset: offsets[3] ?? 0),
                               nirScaling: .sentinel2(offset: offsets[7] ?? 0))
        }
    }

    /// BOA_ADD_OFFSET per band id (B04 is 3, B08 is 7) from the product's `MTD_MSIL2A.xml`,
    /// looked for in the image's folder and up to five folders above; empty when absent.
    static func boaOffsets(near image: String) -> [Int: Double] {
        var dir = (image as NSString).deletingLastPathComponent
        for _ in 0..<6 {
            let mtd = dir + "/MTD_MSIL2A.xml"
            if let text = try? String(contentsOfFile: mtd, encoding: .utf8) {
                var out: [Int: Double] = [:]
                let re = try! NSRegularExpression(pattern: #"<BOA_ADD_OFFSET\s+band_id="(\d+)"\s*>\s*(-?[0-9.]+)\s*</BOA_ADD_OFFSET>"#)
                for m in re.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                    if let b = Int(text[Range(m.range(at: 1), in: text)!]), let v = Double(text[Range(m.range(at: 2), in: text)!]) {
                        out[b] = v
                    }
                }
                return out
            }
            dir = (dir as NSString).deletingLastPathComponent
        }
        return [:]
    }

    /// A CSV manifest: header `date,red,nir,qa,qa_type`; date `YYYY-MM-DD`; paths relative to
    /// the manifest; qa_type `qa_pixel` (Landsat C2 L2 scaling) or `scl` (Sentinel-2, offset 0).
    static func manifest(_ path: String) throws -> [Acquisition] {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw Refusal("\(path): cannot read the manifest: \(error.localizedDescription)")
        }
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let header = lines.first?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? []
        let columns = ["date", "red", "nir", "qa", "qa_type"]
        guard let idx = Optional(columns.map { header.firstIndex(of: $0) }), !idx.contains(nil) else {
            throw Refusal("\(path): a manifest needs the columns date, red, nir, qa, qa_type (got \(header.joined(separator: ",")))")
        }
        let base = (path as NSString).deletingLastPathComponent
        func resolve(_ p: String) -> String { p.hasPrefix("/") ? p : base + "/" + p }
        return try lines.dropFirst().enumerated().map { i, line in
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            func cell(_ c: Int) -> String { idx[c]! < cells.count ? cells[idx[c]!] : "" }
            let where_ = "\(path): row \(i + 2)"
            let d = cell(0).split(separator: "-").compactMap { Int($0) }
            guard d.count == 3, (1...12).contains(d[1]), (1...31).contains(d[2]) else {
                throw Refusal("\(where_): date '\(cell(0))' is not YYYY-MM-DD")
            }
            guard let type = QualityType(rawValue: cell(4).lowercased()) else {
                throw Refusal("\(where_): qa_type '\(cell(4))' is not qa_pixel or scl")
            }
            let scaling: ReflectanceScaling = type == .landsatQAPixel ? .landsatC2 : .sentinel2(offset: 0)
            for c in 1...3 where !FileManager.default.fileExists(atPath: resolve(cell(c))) {
                throw Refusal("\(where_): \(columns[c]) \(resolve(cell(c))) does not exist")
            }
            return Acquisition(id: "\((path as NSString).lastPathComponent)#\(i + 2)", year: d[0], month: d[1], day: d[2],
                               red: resolve(cell(1)), nir: resolve(cell(2)), qa: resolve(cell(3)), qaType: type,
                               redScaling: scaling, nirScaling: scaling)
        }
    }
}
