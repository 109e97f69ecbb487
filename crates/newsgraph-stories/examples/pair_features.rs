//! Print the pairwise scores and features of articles with their analyses
//! (JSON lines `{"article": Article, "analysis": Analysis|null}`), IDF over
//! those articles, then cluster them as `recluster` does:
//! `cargo run --release -p newsgraph-stories --example pair_features -- ITEMS.jsonl`
use newsgraph_model::{Analysis, Article};
use newsgraph_stories::profile::Weighted;
use newsgraph_stories::{
    ANALYSIS_FEATURE_NAMES, ArticleFeatures, ClusterConfig, DocFreq, FEATURE_NAMES,
    SimilarityModel, analysis_features, features, recluster,
};

#[derive(serde::Deserialize)]
struct Item {
    article: Article,
    analysis: Option<Analysis>,
}

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: pair_features ITEMS.jsonl");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let items: Vec<(Article, Option<Analysis>)> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<Item>(l).ok())
        .map(|i| (i.article, i.analysis))
        .collect();
    let model = SimilarityModel::embedded().unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2)
    });
    let feats: Vec<ArticleFeatures> = items
        .iter()
        .map(|(a, an)| ArticleFeatures::from_analysis(a, an.as_ref()))
        .collect();
    let mut df = DocFreq::new();
    for f in &feats {
        df.add(&f.profile);
    }
    for i in 0..feats.len() {
        for j in i + 1..feats.len() {
            let (a, b) = (&feats[i].profile, &feats[j].profile);
            let (wa, wb) = (Weighted::new(a, &df), Weighted::new(b, &df));
            let x = features(a, b, &df);
            let ax = analysis_features(&wa, &wb);
            println!(
                "{}-{}: text {:.3} model {:.3} clusterer {:.3}",
                feats[i].id,
                feats[j].id,
                model.score(&x),
                model.score_weighted(&wa, &wb),
                newsgraph_stories::cluster::pair_score(&model, &ClusterConfig::default(), &wa, &wb)
            );
            let fx: Vec<String> = FEATURE_NAMES
                .iter()
                .zip(&x)
                .map(|(n, v)| format!("{n}={v:.2}"))
                .collect();
            println!("   {}", fx.join(" "));
            if let Some(ax) = ax {
                let fa: Vec<String> = ANALYSIS_FEATURE_NAMES
                    .iter()
                    .zip(&ax)
                    .map(|(n, v)| format!("{n}={v:.2}"))
                    .collect();
                println!("   {}", fa.join(" "));
            }
        }
    }
    let mut c = newsgraph_stories::Clusterer::new(ClusterConfig::default(), model.clone());
    c.prime_df(feats.iter().map(|f| &f.profile));
    for f in &feats {
        let a = c.add(f);
        println!(
            "add {} -> {} {:.3} {:?}",
            a.article_id, a.cluster_id, a.score, a.candidates
        );
    }
    let (stories, storylines, _) = recluster(&items, ClusterConfig::default(), model);
    for s in &stories {
        println!(
            "story {} {:?} storyline {:?} joins {:?}",
            s.story.id,
            s.story.article_ids,
            s.story.storyline_id,
            s.why
                .iter()
                .map(|w| (w.article_id, (w.join_score * 1000.0).round() / 1000.0))
                .collect::<Vec<_>>()
        );
    }
    println!("{} storylines", storylines.len());
}
