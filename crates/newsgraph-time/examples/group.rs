//! Estimate publication dates of a group of related files:
//! `cargo run -p newsgraph-time --example group -- LANG:FILE[:DATE]...`.
fn main() {
    let specs: Vec<(String, String, Option<String>)> = std::env::args()
        .skip(1)
        .filter_map(|a| {
            let mut p = a.splitn(3, ':');
            let lang = p.next()?.to_string();
            let file = p.next()?.to_string();
            let text = std::fs::read_to_string(&file).ok()?;
            Some((lang, text, p.next().map(str::to_string)))
        })
        .collect();
    let members: Vec<newsgraph_time::GroupMember<'_>> = specs
        .iter()
        .map(|(l, t, d)| newsgraph_time::GroupMember {
            text: t,
            lang: l,
            published: d.as_deref(),
        })
        .collect();
    for (i, e) in newsgraph_time::estimate_group(&members).iter().enumerate() {
        println!("{i}\t{e:?}");
    }
}
