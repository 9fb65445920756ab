import GDALKit

/// How a grid is cut into tiles: a pure function of the grid and a tile size.
public enum Tiling {
    /// The default tile edge: the smallest multiple of the inputs' block edge that
    /// reaches 256 pixels (so tiles read whole blocks and whole warped-VRT blocks), never
    /// above 2048. 256² tiles keep the per-worker buffers near 15 MB and give even a small
    /// scene enough tiles to keep every core busy.
    public static func defaultTileSize(blockSize: Int?) -> Int {
        guard let b = blockSize, b > 0, b <= 2048 else { return 256 }
        let multiple = max(1, (256 + b - 1) / b)
        return min(b * multiple, 2048)
    }

    /// Square tiles of `tileSize` (edge tiles smaller), row-major, covering the grid once.
    public static func tiles(of grid: Grid, tileSize: Int) -> [Window] {
        grid.window.subdivide(tileWidth: tileSize, tileHeight: tileSize)
    }
}
