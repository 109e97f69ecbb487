//! The PostgreSQL work queue of worker mode: enqueue, claims with leases
//! (disjoint between workers, back to the queue when a lease runs out),
//! results, the ordered completed prefix, the fenced assigner commit and the
//! assigner election. Needs `NEWSGRAPH_TEST_PG` (see tests/postgres.rs).
#![cfg(feature = "postgres")]

use newsgraph_model::{Analysis, ArticleId};
use newsgraph_store::conformance::{prepared, signature};
use newsgraph_store::{Batch, NearDupPolicy, PgStore, Store};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

fn url() -> Option<String> {
    newsgraph_store::conformance::pg_test_url("the work queue tests")
}

fn fresh(url: &str) -> PgStore {
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let schema = format!(
        "ngq_{}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        nanos
    );
    PgStore::open_temporary(url, &schema).expect("open a fresh PostgreSQL store")
}

fn store_articles(s: &PgStore, from: usize, n: usize) -> Vec<ArticleId> {
    let arts: Vec<_> = (from..from + n)
        .map(|i| {
            prepared(
                &format!("Text number {i} about something else entirely, item {i}."),
                "de",
                signature(i as u32 + 1, 0),
            )
        })
        .collect();
    s.insert_batch(
        &Batch {
            articles: &arts,
            ..Batch::default()
        },
        &NearDupPolicy {
            threshold: 1.0,
            ..NearDupPolicy::default()
        },
    )
    .unwrap()
    .into_iter()
    .map(|o| match o {
        newsgraph_store::InsertOutcome::Inserted { id, .. } => id,
        o => panic!("unexpected {o:?}"),
    })
    .collect()
}

fn analysis(lang: &str) -> Analysis {
    Analysis {
        lang: lang.into(),
        ..Analysis::default()
    }
}

#[test]
fn claims_are_disjoint_and_expired_leases_come_back() {
    let Some(url) = url() else { return };
    let s = fresh(&url);
    let ids = store_articles(&s, 0, 10);
    // One article already analysed (e.g. by a single-process ingest): not queued.
    s.put_analyses(&[(ids[0], analysis("de"))], "m1").unwrap();
    assert_eq!(s.enqueue_unanalysed().unwrap(), 9);
    assert_eq!(s.enqueue_unanalysed().unwrap(), 0, "idempotent");
    let st = s.queue_status().unwrap();
    assert_eq!((st.pending, st.not_enqueued, st.scanned_upto), (9, 0, 10));

    let long = Duration::from_secs(60);
    let a: Vec<_> = s
        .claim_work("a", 4, long, 3)
        .unwrap()
        .iter()
        .map(|x| x.id)
        .collect();
    let b: Vec<_> = s
        .claim_work("b", 4, long, 3)
        .unwrap()
        .iter()
        .map(|x| x.id)
        .collect();
    assert_eq!(a, vec![2, 3, 4, 5], "lowest ids first, in order");
    assert_eq!(b, vec![6, 7, 8, 9], "a second worker gets other articles");
    // A short lease that runs out: the articles come back to the queue.
    let c: Vec<_> = s
        .claim_work("c", 4, Duration::from_millis(200), 3)
        .unwrap()
        .iter()
        .map(|x| x.id)
        .collect();
    assert_eq!(c, vec![10]);
    assert!(s.claim_work("d", 4, long, 3).unwrap().is_empty());
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(
        s.renew_lease("c", &c, long).unwrap(),
        1,
        "expired but unclaimed: still c's"
    );
    std::thread::sleep(Duration::from_millis(10));
    assert!(s.claim_work("d", 4, long, 3).unwrap().is_empty(), "renewed");

    // Results of a worker that lost its articles are ignored.
    assert_eq!(s.release_work("b", &b).unwrap(), 4);
    let d: Vec<_> = s
        .claim_work("d", 2, long, 3)
        .unwrap()
        .iter()
        .map(|x| x.id)
        .collect();
    assert_eq!(d, vec![6, 7]);
    let stale: Vec<_> = b.iter().map(|&id| (id, analysis("xx"))).collect();
    assert_eq!(s.finish_work("b", "m1", &stale, &[]).unwrap(), 0);

    // Completed prefix: stops at the first article still pending.
    let done_a: Vec<_> = a.iter().map(|&id| (id, analysis("de"))).collect();
    assert_eq!(
        s.finish_work("a", "m1", &done_a[1..], &[(a[0], "boom".into())])
            .unwrap(),
        4
    );
    let p = s.completed_prefix(100).unwrap();
    assert_eq!(p.assigned_upto, 0);
    let got: Vec<_> = p
        .items
        .iter()
        .map(|c| (c.article_id, c.analysis.is_some()))
        .collect();
    assert_eq!(got, vec![(2, false), (3, true), (4, true), (5, true)]);

    // Fenced commit: the same prefix cannot be committed twice.
    let resolved: Vec<_> = p
        .items
        .iter()
        .filter_map(|c| c.analysis.clone().map(|(a, v)| (c.article_id, a, v)))
        .collect();
    assert!(s.commit_assigned(0, 5, &resolved).unwrap());
    assert!(!s.commit_assigned(0, 5, &resolved).unwrap());
    assert!(s.commit_assigned(5, 4, &[]).is_err(), "backwards");
    assert_eq!(s.get_analysis(3).unwrap().unwrap().model_version, "m1");
    assert!(s.get_analysis(2).unwrap().is_none(), "failed: no analysis");
    let st = s.queue_status().unwrap();
    assert_eq!((st.assigned_upto, st.done, st.failed), (5, 3, 1));
    assert!(s.completed_prefix(100).unwrap().items.is_empty());

    // New articles are picked up by the next enqueue.
    store_articles(&s, 100, 3);
    assert_eq!(s.queue_status().unwrap().not_enqueued, 3);
    assert_eq!(s.enqueue_unanalysed().unwrap(), 3);
}

#[test]
fn a_lease_that_runs_out_too_often_fails_the_article() {
    let Some(url) = url() else { return };
    let s = fresh(&url);
    store_articles(&s, 0, 1);
    s.enqueue_unanalysed().unwrap();
    let short = Duration::from_millis(50);
    for attempt in 1..=2 {
        assert_eq!(
            s.claim_work("w", 1, short, 2).unwrap().len(),
            1,
            "{attempt}"
        );
        std::thread::sleep(Duration::from_millis(120));
    }
    assert!(s.claim_work("w", 1, short, 2).unwrap().is_empty());
    let st = s.queue_status().unwrap();
    assert_eq!((st.failed, st.pending, st.leased, st.retried), (1, 0, 0, 1));
    let p = s.completed_prefix(10).unwrap();
    assert_eq!(p.items.len(), 1);
    assert!(p.items[0].analysis.is_none());
}

#[test]
fn one_assigner_per_store() {
    let Some(url) = url() else { return };
    let s1 = fresh(&url);
    let s2 = fresh(&url);
    let mut l1 = s1.try_assigner_lock().unwrap().expect("first assigner");
    assert!(l1.is_held());
    assert!(
        s1.try_assigner_lock().unwrap().is_none(),
        "second is refused"
    );
    // Another store (schema) has its own assigner.
    let l2 = s2.try_assigner_lock().unwrap();
    assert!(l2.is_some());
    drop(l1);
    // The lock goes with its connection; the server notices the close.
    let mut again = None;
    for _ in 0..50 {
        again = s1.try_assigner_lock().unwrap();
        if again.is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(again.is_some(), "free again once the holder is gone");
}
