// C = A·B in f32, row-major, tiled: each 16×16 workgroup computes a 16×16 block of C, staging a
// 16×16 tile of A and of B in workgroup memory per step along k, so each value read from storage
// is used 16 times. Edges (m, k or n not a multiple of 16) load zeros and skip the store.

struct Dims {
    m: u32,
    k: u32,
    n: u32,
    _pad: u32,
}

const TILE: u32 = 16u;

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> c: array<f32>;
@group(0) @binding(3) var<uniform> dims: Dims;

var<workgroup> tile_a: array<array<f32, 16>, 16>;
var<workgroup> tile_b: array<array<f32, 16>, 16>;

@compute @workgroup_size(16, 16, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>,
        @builtin(local_invocation_id) lid: vec3<u32>) {
    let row = gid.y;
    let col = gid.x;
    var acc = 0.0;
    let steps = (dims.k + TILE - 1u) / TILE;
    for (var t = 0u; t < steps; t = t + 1u) {
        let ak = t * TILE + lid.x;
        let bk = t * TILE + lid.y;
        var va = 0.0;
        if (row < dims.m && ak < dims.k) {
            va = a[row * dims.k + ak];
        }
        var vb = 0.0;
        if (bk < dims.k && col < dims.n) {
            vb = b[bk * dims.n + col];
        }
        tile_a[lid.y][lid.x] = va;
        tile_b[lid.y][lid.x] = vb;
        workgroupBarrier();
        for (var i = 0u; i < TILE; i = i + 1u) {
            acc = acc + tile_a[lid.y][i] * tile_b[i][lid.x];
        }
        workgroupBarrier();
    }
    if (row < dims.m && col < dims.n) {
        c[row * dims.n + col] = acc;
    }
}
