//! Cluster text files (in the given order, undated) and print assignments:
//! `cargo run --release -p newsgraph-stories --example seeds -- LANG:FILE ...`
use newsgraph_stories::{ArticleFeatures, ClusterConfig, Clusterer, SimilarityModel};

fn main() {
    let model = SimilarityModel::embedded().expect("embedded model");
    let mut feats = Vec::new();
    for (i, arg) in std::env::args().skip(1).enumerate() {
        let (lang, path) = arg.split_once(':').unwrap_or(("und", arg.as_str()));
        let text = std::fs::read_to_string(path).unwrap_or_default();
        feats.push(ArticleFeatures::from_text(
            i as i64 + 1,
            lang,
            &text,
            None,
            None,
        ));
    }
    let mut df = newsgraph_stories::DocFreq::new();
    if let Ok(bg) = std::env::var("BG") {
        let (pairs, _) =
            newsgraph_stories::semeval::read_pairs(std::path::Path::new(&bg)).expect("bg");
        for p in &pairs {
            df.add(&newsgraph_stories::Profile::new(&p.lang1, &p.text1));
            df.add(&newsgraph_stories::Profile::new(&p.lang2, &p.text2));
        }
    }
    for f in &feats {
        df.add(&f.profile);
    }
    for a in &feats {
        let row: Vec<String> = feats
            .iter()
            .map(|b| format!("{:.2}", model.score_pair(&a.profile, &b.profile, &df)))
            .collect();
        println!("{}: {}", a.id, row.join(" "));
    }
    let mut c = Clusterer::new(ClusterConfig::default(), model);
    for f in &feats {
        let a = c.add(f);
        println!(
            "article {} -> cluster {} ({:.3}) {:?}",
            a.article_id, a.cluster_id, a.score, a.candidates
        );
    }
    for out in c.flush() {
        println!(
            "cluster {} members {:?} storyline {}",
            out.id, out.members, out.storyline
        );
    }
}
