//! The clusterer on a small recombined stream (real SemEval texts): BCubed
//! F1 must stay high and the live window must stay bounded.
use newsgraph_stories::{ClusterConfig, SimilarityModel, bench, semeval};

#[test]
fn small_stream_clusters_well() {
    let path = std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/similarity/semeval2022-task8-sample-a.csv"
    ));
    if !path.exists() {
        eprintln!("skipping: {} not found", path.display());
        return;
    }
    let (pairs, _) = semeval::read_pairs(path).unwrap();
    let r = bench::run(
        &pairs,
        2_000,
        250,
        ClusterConfig::default(),
        SimilarityModel::embedded().unwrap(),
        7,
    );
    assert_eq!(r.articles, 2_000);
    assert!(r.bcubed_f1 > 0.75, "{r:?}");
    assert!(r.bcubed_precision > 0.7 && r.bcubed_recall > 0.7, "{r:?}");
    // 4-day window at 250 articles a day: far fewer live clusters than articles
    assert!(r.max_live_clusters < 1_000, "{r:?}");
}
