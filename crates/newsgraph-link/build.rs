fn main() {
    // The gazetteer tables are embedded with include_str!; rebuild when they change.
    println!("cargo:rerun-if-changed=../../data/gazetteer");
}
