//! HTTP JSON API and the embedded web UI (axum).
