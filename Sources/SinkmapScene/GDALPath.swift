import Foundation

/// Paths as GDAL takes them: plain files, virtual file systems (`/vsizip/a.zip/b.tif`,
/// `/vsicurl/https://...`) and driver connection strings with subdatasets
/// (`NETCDF:"file.nc":var`, `HDF4_EOS:EOS_GRID:"f.hdf":grid:field`, `PG:dbname=...`).
public enum GDALPath {
    /// Virtual file systems whose next component is a local archive or file.
    static let archiveFS = ["/vsizip/", "/vsitar/", "/vsigzip/", "/vsi7z/", "/vsirar/"]

    /// `path` with a relative file inside it made absolute against `directory`.
    public static func resolve(_ path: String, against directory: String) -> String {
        func absolute(_ p: String) -> String { p.hasPrefix("/") ? p : directory + "/" + p }
        if path.hasPrefix("/vsi") {
            for fs in archiveFS where path.hasPrefix(fs) {
                let rest = String(path.dropFirst(fs.count))
                return rest.hasPrefix("/") || rest.hasPrefix("{") ? path : fs + absolute(rest)
            }
            return path  // /vsicurl/, /vsis3/, /vsimem/ ...: not a local path
        }
        if let (prefix, quoted, suffix) = connection(path) {
            return prefix + "\"" + absolute(quoted) + "\"" + suffix
        }
        if isConnection(path) { return path }
        return absolute(path)
    }

    /// The local file whose bytes a path reads (for existence checks and checksums); nil for
    /// remote or database sources.
    public static func localFile(_ path: String) -> String? {
        if path.hasPrefix("/vsi") {
            for fs in archiveFS where path.hasPrefix(fs) {
                let rest = String(path.dropFirst(fs.count))
                // The archive: up to and including its extension (.zip, .tar, .gz, ...).
                let parts = rest.split(separator: "/", omittingEmptySubsequences: false)
                var file = ""
                for part in parts {
                    file += (file.isEmpty && rest.hasPrefix("/") ? "" : "/") + part
                    let ext = URL(fileURLWithPath: file).pathExtension.lowercased()
                    if ["zip", "tar", "tgz", "gz", "7z", "rar"].contains(ext) { return file.hasPrefix("//") ? String(file.dropFirst()) : file }
                }
                return nil
            }
            return nil
        }
        if let (_, quoted, _) = connection(path) { return quoted }
        return isConnection(path) ? nil : path
    }

    /// `DRIVER:...:"file":...` split around its quoted file name.
    static func connection(_ path: String) -> (String, String, String)? {
        guard isConnection(path), let open = path.firstIndex(of: "\"") else { return nil }
        let afterOpen = path.index(after: open)
        guard let close = path[afterOpen...].firstIndex(of: "\"") else { return nil }
        return (String(path[..<open]), String(path[afterOpen..<close]), String(path[path.index(after: close)...]))
    }

    /// Whether the path starts with a GDAL driver prefix such as `NETCDF:` or `PG:`.
    static func isConnection(_ path: String) -> Bool {
        guard let colon = path.firstIndex(of: ":") else { return false }
        let name = path[..<colon]
        return name.count >= 2 && name.allSatisfy { $0.isUppercase || $0.isNumber || $0 == "_" } && name.first!.isLetter
    }
}
