import GDALKit

/// How a grid is cut into tiles: a pure function of the grid and a tile size.
public enum Tiling {
    /// The default tile edge, from the grid's reading pattern rather than the file's layout:
    /// 256 pixels (the warped-VRT and intermediate block edge; ≈ 15 MB of buffers per worker),
    /// or the smallest multiple of the land cover's block edge reaching 256 when the land cover
    /// is tiled in square blocks of at most 1024 (so tiles read whole blocks). A land cover in
    /// strips (e.g. 2000 × 1) or with huge blocks does not make huge tiles.
    public static func defaultTileSize(blockWidth: Int?, blockHeight: Int?) -> Int {
        guard let w = blockWidth, let h = blockHeight, w == h, w > 0, w <= 1024 else { return 256 }
        return w * max(1, (256 + w - 1) / w)
    }

    /// Square tiles of `tileSize` (edge tiles smaller), row-major, covering the grid once.
    public static func tiles(of grid: Grid, tileSize: Int) -> [Window] {
        grid.window.subdivide(tileWidth: tileSize, tileHeight: tileSize)
    }
}
