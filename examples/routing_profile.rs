//! A driver of the W1–W3 routing workloads for `valgrind --tool=callgrind` (instruction counts
//! do not depend on the machine's load, unlike the criterion bench):
//!
//! ```text
//! cargo build --profile bench --example routing_profile
//! valgrind --tool=callgrind --toggle-collect='*routing_profile*pass*' \
//!     target/release/examples/routing_profile W1 100000
//! ```
//!
//! Routes the first N keys of the workload (W1, W2-1000, W2-10000, W2-100000 or W3) once.

#[path = "../benches/common/mod.rs"]
mod common;

use warren::broker::FieldTable;
use warren::broker::router::{ExchangeKind, RouteScratch, Router};

#[inline(never)]
fn pass(r: &Router, keys: &[String], scratch: &mut RouteScratch) -> (u64, u64) {
    let headers = FieldTable::new();
    let (mut deliveries, mut checksum) = (0u64, 0u64);
    for key in keys {
        if r.route("x", &[key.as_str()], &headers, true, scratch)
            .is_err()
        {
            return (u64::MAX, u64::MAX);
        }
        for q in scratch.queues() {
            deliveries += 1;
            checksum += u64::from(q.0);
        }
    }
    (deliveries, checksum)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let name = args.next().unwrap_or_else(|| "W1".into());
    let n = args
        .next()
        .and_then(|a| a.parse::<usize>().ok())
        .unwrap_or(100_000);
    let (mut w, kind) = match name.as_str() {
        "W1" => (common::w1(), ExchangeKind::Direct),
        "W3" => (common::w3(), ExchangeKind::Fanout),
        other => match other.strip_prefix("W2-").and_then(|b| b.parse().ok()) {
            Some(b) => (common::w2(b), ExchangeKind::Topic),
            None => {
                println!("unknown workload {other}");
                std::process::exit(2);
            }
        },
    };
    w.keys.truncate(n);
    let r = common::build_router(&w, kind);
    let mut scratch = RouteScratch::new();
    println!(
        "{name} over {n} keys: {:?}",
        pass(&r, &w.keys, &mut scratch)
    );
}
