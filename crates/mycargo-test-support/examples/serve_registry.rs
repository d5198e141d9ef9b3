//! A generated registry for the resolution benchmarks (benches/registry.sh):
//! `serve_registry N` publishes N packages in layers (each depending on a
//! few of the layer below, several versions each, with features) plus a
//! root crate `bench-root` depending on the top layer, prints the sparse
//! index URL on stdout, and serves until stdin closes.

use std::io::{Read as _, Write as _};

use mycargo_test_support::registry::{Dep, Package, Registry};

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(160);
    let reg = Registry::new();
    let width = 16;
    for i in 0..n {
        let layer = i / width;
        let name = format!("bench-pkg-{i:04}");
        for minor in 0..3 {
            let mut p = Package::new(&name, &format!("1.{minor}.0"))
                .feature("default", &["std"])
                .feature("std", &[]);
            if layer > 0 {
                // Three dependencies in the layer below.
                for k in 0..3 {
                    let dep = (layer - 1) * width + (i + k * 5) % width;
                    p = p.add_dep(Dep::new(&format!("bench-pkg-{dep:04}"), "1"));
                }
            }
            p.publish(&reg);
        }
    }
    let top = (n.saturating_sub(1) / width) * width;
    let mut root = Package::new("bench-root", "1.0.0");
    for i in top..n {
        root = root.add_dep(Dep::new(&format!("bench-pkg-{i:04}"), "1"));
    }
    root.publish(&reg);
    let mut out = std::io::stdout();
    let _ = writeln!(out, "{}", reg.index_url());
    let _ = out.flush();
    // Serve until the benchmark closes our stdin.
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
}
