//! Measuring helpers shared by the ingest and pipeline benches and
//! evaluation examples (included with `#[path]`).
#![allow(dead_code)] // each includer uses a part
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

/// The sentences of a token-per-line NER file (`index<TAB>token<TAB>label`,
/// a blank line after each sentence), tokens joined with spaces except
/// before closing punctuation; one entry per blank line.
pub fn ner_sentences(file: &std::path::Path) -> Vec<String> {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let mut out = Vec::new();
    let mut sent = String::new();
    for line in text.lines() {
        match line.split('\t').nth(1) {
            Some(t) => {
                if !sent.is_empty() && !matches!(t, "." | "," | ":" | ";" | "!" | "?" | ")") {
                    sent.push(' ');
                }
                sent.push_str(t);
            }
            None => out.push(std::mem::take(&mut sent)),
        }
    }
    out
}
