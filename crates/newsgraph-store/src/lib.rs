//! The Store trait and its embedded SQLite backend (WAL, versioned migrations, one transaction per batch); the search index.
