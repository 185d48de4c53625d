//! The benchmarks (routing W1–W3, dispatch W4) of `shared/perf/WORKLOADS.md` as a plain runner, so the very same
//! workload code (`benches/common`) can be timed in wasm under Node, where criterion cannot run.
//!
//! Per workload: the digest and the deliveries/checksum guard are checked on a warm-up pass, then
//! every timed pass is guarded too; it prints median and min ns/msg as one tab-separated line
//! `bench<TAB>workload<TAB>median<TAB>min<TAB>passes` (parsed by `benches/compare.sh`).
//!
//! wasm (what `benches/compare.sh` does):
//! ```text
//! cargo build --profile wasm-bench --target wasm32-unknown-unknown --features wasm-bench --example wasm_bench
//! wasm-bindgen --target nodejs --out-dir target/wasm-bench target/wasm32-unknown-unknown/wasm-bench/examples/wasm_bench.wasm
//! node -e 'require("./target/wasm-bench/wasm_bench.js").run("W1,W3", 5)'
//! ```
//! Natively (a cross-check of the same runner): `cargo run --profile wasm-bench --features
//! wasm-bench --example wasm_bench -- W1,W3 5`.

#[path = "../benches/common/mod.rs"]
mod common;

use std::hint::black_box;

use common::*;
use warren::broker::FieldTable;
use warren::broker::router::{ExchangeKind, RouteScratch};

#[cfg(target_arch = "wasm32")]
mod host {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_namespace = performance, js_name = now)]
        fn performance_now() -> f64;
        #[wasm_bindgen(js_namespace = console, js_name = log)]
        fn console_log(line: &str);
    }

    /// Milliseconds from an arbitrary origin.
    pub fn now_ms() -> f64 {
        performance_now()
    }

    pub fn print(line: &str) {
        console_log(line);
    }

    /// Node entry point: `run("W1,W2-10000", 5)`; an empty filter runs every workload.
    #[wasm_bindgen]
    pub fn run(filter: &str, passes: u32) -> Result<(), JsError> {
        super::run(filter, passes).map_err(|e| JsError::new(&e))
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod host {
    use std::sync::OnceLock;
    use std::time::Instant;

    /// Milliseconds from the first call.
    #[allow(clippy::disallowed_methods)] // a benchmark's clock, outside the deterministic core
    pub fn now_ms() -> f64 {
        static ORIGIN: OnceLock<Instant> = OnceLock::new();
        ORIGIN.get_or_init(Instant::now).elapsed().as_secs_f64() * 1e3
    }

    pub fn print(line: &str) {
        println!("{line}");
    }
}

/// The routing workloads in report order.
const ROUTING: [&str; 5] = ["W1", "W2-1000", "W2-10000", "W2-100000", "W3"];

fn routing_workload(name: &str) -> Option<(Workload, ExchangeKind)> {
    Some(match name {
        "W1" => (w1(), ExchangeKind::Direct),
        "W2-1000" => (w2(1000), ExchangeKind::Topic),
        "W2-10000" => (w2(10_000), ExchangeKind::Topic),
        "W2-100000" => (w2(100_000), ExchangeKind::Topic),
        "W3" => (w3(), ExchangeKind::Fanout),
        _ => return None,
    })
}

/// (median, min) of per-pass ns/msg.
fn summarise(mut ns_per_msg: Vec<f64>) -> (f64, f64) {
    ns_per_msg.sort_by(f64::total_cmp);
    let n = ns_per_msg.len();
    let median = if n % 2 == 1 {
        ns_per_msg[n / 2]
    } else {
        (ns_per_msg[n / 2 - 1] + ns_per_msg[n / 2]) / 2.0
    };
    (median, ns_per_msg[0])
}

fn bench_routing(w: &Workload, kind: ExchangeKind, passes: u32) -> Result<(f64, f64), String> {
    if Some(digest(w)) != expected_digest(&w.name) {
        return Err(format!("{}: digest differs from WORKLOADS.md", w.name));
    }
    let want = expected_guard(&w.name).ok_or_else(|| format!("{}: no guard", w.name))?;
    let r = build_router(w, kind);
    let headers = FieldTable::new();
    let mut scratch = RouteScratch::new();
    let mut times = Vec::new();
    // Pass 0 is the warm-up; it is guarded but not timed into the result.
    for pass in 0..=passes {
        let start = host::now_ms();
        let got = black_box(route_pass(&r, black_box(&w.keys), &mut scratch, &headers));
        let ms = host::now_ms() - start;
        if got != want {
            return Err(format!(
                "{} pass {pass}: deliveries/checksum {got:?}, expected {want:?}",
                w.name
            ));
        }
        if pass > 0 {
            times.push(ms * 1e6 / w.keys.len() as f64);
        }
    }
    Ok(summarise(times))
}

fn bench_dispatch(passes: u32) -> Result<(f64, f64), String> {
    let keys = w4_keys();
    let want = w4_expected_guard(&keys);
    let mut w = W4::setup();
    let mut times = Vec::new();
    for pass in 0..=passes {
        let start = host::now_ms();
        let got = black_box(w4_pass(&mut w, black_box(&keys)));
        let ms = host::now_ms() - start;
        if got != want {
            return Err(format!(
                "W4 pass {pass}: deliveries/checksum {got:?}, expected {want:?}"
            ));
        }
        if pass > 0 {
            times.push(ms * 1e6 / keys.len() as f64);
        }
    }
    Ok(summarise(times))
}

fn selected(filter: &str, name: &str) -> bool {
    filter.is_empty() || filter.split(',').any(|f| f.trim() == name)
}

fn run(filter: &str, passes: u32) -> Result<(), String> {
    let passes = passes.max(5);
    let mut ran = 0;
    for name in ROUTING {
        if !selected(filter, name) {
            continue;
        }
        let (w, kind) = routing_workload(name).ok_or_else(|| format!("{name}: no generator"))?;
        let (median, min) = bench_routing(&w, kind, passes)?;
        host::print(&format!("bench\t{name}\t{median:.1}\t{min:.1}\t{passes}"));
        ran += 1;
    }
    if selected(filter, "W4") {
        let (median, min) = bench_dispatch(passes)?;
        host::print(&format!("bench\tW4\t{median:.1}\t{min:.1}\t{passes}"));
        ran += 1;
    }
    if ran == 0 {
        return Err(format!("no workload matches {filter:?}"));
    }
    Ok(())
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let filter = args.next().unwrap_or_default();
    let passes = match args.next() {
        Some(p) => p.parse().map_err(|e| format!("passes {p:?}: {e}"))?,
        None => 5,
    };
    run(&filter, passes)
}

// On wasm the module is driven through `run`, exported to JS.
#[cfg(target_arch = "wasm32")]
fn main() {}
