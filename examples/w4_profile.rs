//! A driver of the W4 dispatch workload that does not depend on the machine's load, unlike
//! the criterion bench:
//!
//! ```text
//! cargo build --profile bench --example w4_profile
//! # instruction counts: one warm-up pass over 1,000 keys, then one pass over N keys
//! valgrind --tool=callgrind --toggle-collect='*w4_pass*' target/release/examples/w4_profile 100000
//! # CPU time (this thread's time on a CPU, from /proc/thread-self/schedstat) per message
//! target/release/examples/w4_profile 1000000 5
//! ```
//!
//! The deliveries/checksum guard is checked on every pass.

#[path = "../benches/common/mod.rs"]
mod common;

use std::time::Instant;

/// Nanoseconds this thread has spent on a CPU (Linux), if readable.
fn cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n = args
        .next()
        .and_then(|a| a.parse::<usize>().ok())
        .unwrap_or(100_000);
    let passes = args
        .next()
        .and_then(|a| a.parse::<usize>().ok())
        .unwrap_or(1);
    let mut keys = common::w4_keys();
    keys.truncate(n);
    let expected = (
        keys.len() as u64,
        keys.iter()
            .map(|k| k[1..].parse::<u64>().unwrap_or(0))
            .sum::<u64>(),
    );
    let mut w = common::W4::setup();
    let warm = common::w4_pass(&mut w, &keys[..keys.len().min(1000)]);
    println!("warm-up {warm:?}");
    let mut cpu = Vec::new();
    for _ in 0..passes {
        // A measuring tool, not the core: reading the clock is its job.
        #[allow(clippy::disallowed_methods)]
        let (c0, t0) = (cpu_ns(), Instant::now());
        let got = common::w4_pass(&mut w, &keys);
        let wall = t0.elapsed().as_nanos() as f64 / n as f64;
        if got != expected {
            println!("guard failed: {got:?}, expected {expected:?}");
            std::process::exit(1);
        }
        if let (Some(a), Some(b)) = (c0, cpu_ns()) {
            let c = (b - a) as f64 / n as f64;
            cpu.push(c);
            println!("pass {got:?}: {c:.1} CPU ns/msg, {wall:.1} wall ns/msg");
        }
    }
    if !cpu.is_empty() {
        cpu.sort_by(f64::total_cmp);
        println!(
            "median {:.1} CPU ns/msg, min {:.1}",
            cpu[cpu.len() / 2],
            cpu[0]
        );
    }
}
