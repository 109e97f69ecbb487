fn main() {
    // The resources are embedded with include_dir!; rebuild when they change.
    println!("cargo:rerun-if-changed=../../data/lang");
}
