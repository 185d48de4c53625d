//! The benchmarks (routing W1–W3, dispatch W4) of `shared/perf/WORKLOADS.md` as a plain runner, so the very same
//! workload code (`benches/common`) can be timed in wasm under Node, where criterion cannot run.
//!
//! Per workload: the digest and the deliveries/checksum guard are checked on two warm-up passes, then
//! every timed pass is guarded too. A timed sample repeats the pass until it holds ~200 ms, and
//! is timed twice: wall clock, and the main thread's on-CPU time (`/proc/self/schedstat`, read
//! the same way natively and from Node) which the other tenants of a shared machine barely move.
//! One tab-separated line per workload, parsed by `benches/compare.sh`:
//! `bench<TAB>workload<TAB>wall median<TAB>wall min<TAB>cpu median<TAB>cpu min<TAB>samples`
//! (ns/msg; cpu is NaN where /proc is unavailable).
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

    #[wasm_bindgen(module = "fs")]
    extern "C" {
        #[wasm_bindgen(js_name = readFileSync, catch)]
        fn read_file_sync(path: &str, encoding: &str) -> Result<String, JsValue>;
    }

    /// Milliseconds from an arbitrary origin.
    pub fn now_ms() -> f64 {
        performance_now()
    }

    /// The main thread's on-CPU nanoseconds (Linux), the same clock as natively.
    pub fn cpu_ns() -> Option<u64> {
        super::parse_schedstat(&read_file_sync("/proc/self/schedstat", "utf8").ok()?)
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

    /// The main thread's on-CPU nanoseconds (Linux).
    pub fn cpu_ns() -> Option<u64> {
        super::parse_schedstat(&std::fs::read_to_string("/proc/self/schedstat").ok()?)
    }

    pub fn print(line: &str) {
        println!("{line}");
    }
}

/// The first field of `/proc/<pid>/schedstat`: nanoseconds the (main) thread spent on a CPU.
/// On a shared, oversubscribed machine wall time mostly measures the other tenants; on-CPU
/// time of the one thread doing the work is what native and wasm can be compared on.
fn parse_schedstat(text: &str) -> Option<u64> {
    text.split_whitespace().next()?.parse().ok()
}

/// Per-message figures of one workload: (wall median, wall min, cpu median, cpu min) in ns.
struct Figures {
    wall: (f64, f64),
    cpu: Option<(f64, f64)>,
}

/// Below this much CPU per timed sample the scheduler's accounting granularity shows, so a
/// sample repeats the pass as often as that takes (every repetition is guarded).
const MIN_SAMPLE_NS: f64 = 200e6;

/// Warm-up, then `samples` timed samples of `reps` passes each, each pass checked against
/// `want`; `msgs` messages per pass.
fn measure(
    name: &str,
    msgs: usize,
    samples: u32,
    want: (u64, u64),
    mut pass: impl FnMut() -> (u64, u64),
) -> Result<Figures, String> {
    let check = |got: (u64, u64), what: &str| {
        if got == want {
            Ok(())
        } else {
            Err(format!(
                "{name} {what}: deliveries/checksum {got:?}, expected {want:?}"
            ))
        }
    };
    // Two warm-up passes: V8 tiers a wasm function up to optimised code only for its next call,
    // so the first runs (at least partly) as baseline code; the second sizes the samples.
    check(black_box(pass()), "warm-up")?;
    let start = host::now_ms();
    check(black_box(pass()), "warm-up")?;
    let warm_ns = (host::now_ms() - start) * 1e6;
    let reps = (MIN_SAMPLE_NS / warm_ns.max(1.0)).ceil().clamp(1.0, 1000.0) as u32;
    let (mut wall, mut cpu) = (Vec::new(), Vec::new());
    for sample in 0..samples {
        let cpu_start = host::cpu_ns();
        let start = host::now_ms();
        for _ in 0..reps {
            check(black_box(pass()), &format!("sample {sample}"))?;
        }
        let wall_ns = (host::now_ms() - start) * 1e6;
        let per = f64::from(reps) * msgs as f64;
        wall.push(wall_ns / per);
        if let (Some(a), Some(b)) = (cpu_start, host::cpu_ns()) {
            cpu.push(b.saturating_sub(a) as f64 / per);
        }
    }
    Ok(Figures {
        wall: summarise(wall),
        cpu: (cpu.len() == samples as usize).then(|| summarise(cpu)),
    })
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

fn bench_routing(w: &Workload, kind: ExchangeKind, samples: u32) -> Result<Figures, String> {
    if Some(digest(w)) != expected_digest(&w.name) {
        return Err(format!("{}: digest differs from WORKLOADS.md", w.name));
    }
    let want = expected_guard(&w.name).ok_or_else(|| format!("{}: no guard", w.name))?;
    let r = build_router(w, kind);
    let headers = FieldTable::new();
    let mut scratch = RouteScratch::new();
    measure(&w.name, w.keys.len(), samples, want, || {
        route_pass(&r, black_box(&w.keys), &mut scratch, &headers)
    })
}

fn bench_dispatch(samples: u32) -> Result<Figures, String> {
    let keys = w4_keys();
    let want = w4_expected_guard(&keys);
    let mut w = W4::setup();
    measure("W4", keys.len(), samples, want, || {
        w4_pass(&mut w, black_box(&keys))
    })
}

fn report(name: &str, f: &Figures, samples: u32) {
    let (cm, cn) = f.cpu.unwrap_or((f64::NAN, f64::NAN));
    host::print(&format!(
        "bench\t{name}\t{:.1}\t{:.1}\t{cm:.1}\t{cn:.1}\t{samples}",
        f.wall.0, f.wall.1
    ));
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
        report(name, &bench_routing(&w, kind, passes)?, passes);
        ran += 1;
    }
    if selected(filter, "W4") {
        report("W4", &bench_dispatch(passes)?, passes);
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
