//! Helpers shared by the CLI integration tests: run the built binary
//! against a store and read its JSON output.
#![allow(dead_code)] // each test binary uses its own subset

use serde_json::Value;
use std::ffi::OsStr;
use std::process::{Command, Output};

/// The built `newsgraph` binary, with no store taken from the environment.
pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_newsgraph"));
    c.env_remove("NEWSGRAPH_DB");
    c
}

/// Runs `newsgraph --db DB ARGS…`.
pub fn run(db: impl AsRef<OsStr>, args: &[&str]) -> Output {
    bin()
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("run newsgraph")
}

/// Stdout of a successful run, parsed as JSON (the failure shows stderr).
pub fn stdout_json(o: &Output) -> Value {
    assert!(
        o.status.success(),
        "exit {:?}\nstderr: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("stdout is JSON")
}
