//! Measuring helpers shared by the ingest and pipeline benches and
//! evaluation examples (included with `#[path]`).
use std::time::Duration;

/// CPU time of the whole process (all threads): the single-core cost of
/// the work measured, whatever the machine's load.
pub fn cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes into the timespec we own.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}
