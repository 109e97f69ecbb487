//! Re-cluster text files as if they were a store (no analysis):
//! `cargo run --release -p newsgraph-stories --example recluster_files -- LANG:[DATE:]FILE ...`
use newsgraph_model::Article;
use newsgraph_stories::{ClusterConfig, SimilarityModel, recluster};

fn main() {
    let mut items = Vec::new();
    for (i, arg) in std::env::args().skip(1).enumerate() {
        let parts: Vec<&str> = arg.splitn(3, ':').collect();
        let (lang, date, path) = match parts.as_slice() {
            [l, d, p] => (*l, Some(d.to_string()), *p),
            [l, p] => (*l, None, *p),
            _ => ("und", None, arg.as_str()),
        };
        let text = std::fs::read_to_string(path).unwrap_or_default();
        items.push((
            Article {
                id: i as i64 + 1,
                path: Some(path.to_string()),
                url: None,
                external_id: None,
                title: String::new(),
                lang: lang.to_string(),
                lang_confidence: 1.0,
                published: date,
                published_estimated: false,
                source: None,
                author: None,
                text,
                duplicate_of: None,
                duplicate_score: None,
                format: "text".into(),
                metadata: Default::default(),
                ingested_at: String::new(),
            },
            None,
        ));
    }
    let model = SimilarityModel::embedded().expect("embedded model");
    let (stories, storylines, _) = recluster(&items, ClusterConfig::default(), model);
    for s in &stories {
        println!(
            "story {} {:?} storyline {:?} {:?}..{:?}",
            s.story.id, s.story.article_ids, s.story.storyline_id, s.story.start, s.story.end
        );
        for w in &s.why {
            println!(
                "   why {} join {:.3} closest {:?} terms {:?}",
                w.article_id,
                w.join_score,
                w.closest,
                &w.shared_terms[..w.shared_terms.len().min(8)]
            );
        }
    }
    println!("{} storylines", storylines.len());
}
