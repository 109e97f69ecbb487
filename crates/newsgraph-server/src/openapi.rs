//! The OpenAPI 3.1 document served at `/api/openapi.json` (hand-written; the
//! schemas are the `newsgraph_model` types as serialised by serde).

use axum::Json;
use axum::response::IntoResponse;
use serde_json::{Value, json};

fn param(name: &str, schema: Value, desc: &str) -> Value {
    json!({"name": name, "in": "query", "required": false, "schema": schema, "description": desc})
}

fn path_param(name: &str, schema: Value) -> Value {
    json!({"name": name, "in": "path", "required": true, "schema": schema})
}

fn page_params() -> Vec<Value> {
    vec![
        param(
            "limit",
            json!({"type": "integer", "minimum": 0, "maximum": 500, "default": 50}),
            "page size",
        ),
        param(
            "offset",
            json!({"type": "integer", "minimum": 0, "default": 0}),
            "items to skip",
        ),
    ]
}

fn ok(schema: Value) -> Value {
    json!({
        "200": {"description": "OK", "content": {"application/json": {"schema": schema}}},
        "400": {"$ref": "#/components/responses/BadParameter"}
    })
}

fn ok_or_404(schema: Value) -> Value {
    let mut v = ok(schema);
    v["404"] = json!({"$ref": "#/components/responses/NotFound"});
    v
}

fn r(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn page_of(item: Value) -> Value {
    json!({"type": "object", "properties": {
        "total": {"type": ["integer", "null"]}, "offset": {"type": "integer"},
        "limit": {"type": "integer"}, "items": {"type": "array", "items": item}}})
}

/// The document.
pub fn document() -> Value {
    let mut articles_params = page_params();
    articles_params.extend([
        param("lang", json!({"type": "string"}), "language code"),
        param("source", json!({"type": "string"}), "outlet name (exact)"),
        param(
            "order",
            json!({"type": "string", "enum": ["id", "published"]}),
            "sort order",
        ),
    ]);
    let mut stories_params = page_params();
    stories_params.extend([
        param("sort", json!({"type": "string", "enum": ["id", "size", "recent", "front"]}),
            "id; size (most articles first); recent (latest end first); front (most articles in the last 24 h, then size)"),
        param("storyline", json!({"type": "integer"}), "only stories of this storyline"),
        param("article", json!({"type": "integer"}), "only stories containing this article"),
    ]);
    let limit = |d: usize| json!({"type": "integer", "minimum": 0, "maximum": crate::params::MAX_LIMIT, "default": d});
    let offset = json!({"type": "integer", "minimum": 0, "maximum": crate::params::MAX_OFFSET, "default": 0});
    let story_params = vec![
        path_param("id", json!({"type": "integer", "minimum": 1})),
        param(
            "limit",
            limit(crate::story::MEMBERS_DEFAULT),
            "members per page",
        ),
        param("offset", offset.clone(), "members to skip"),
        param(
            "lang",
            json!({"type": "string"}),
            "only members in this language",
        ),
        param(
            "timeline_limit",
            limit(crate::story::TIMELINE_DEFAULT),
            "timeline entries per page",
        ),
        param(
            "timeline_offset",
            offset.clone(),
            "timeline entries to skip",
        ),
        param(
            "events_limit",
            limit(crate::story::EVENTS_DEFAULT),
            "merged events per page",
        ),
        param("events_offset", offset, "merged events to skip"),
    ];
    let page_info = json!({"type": "object", "properties": {"total": {"type": "integer"}, "offset": {"type": "integer"}, "limit": {"type": "integer"}}});
    let counts = json!({"type": "array", "items": {"type": "object", "properties": {"value": {"type": "string"}, "count": {"type": "integer"}}}});
    let mut entities_params = page_params();
    entities_params.extend([
        param(
            "type",
            json!({"type": "string", "enum": ["PER", "ORG", "LOC", "MISC"]}),
            "entity type",
        ),
        param(
            "lang",
            json!({"type": "string"}),
            "mentioned in articles of this language",
        ),
        param(
            "q",
            json!({"type": "string"}),
            "substring of the name or a variant",
        ),
    ]);
    let search_params = vec![
        param(
            "q",
            json!({"type": "string", "maxLength": 1000}),
            "words (all must match), \"phrases\", -excluded, a OR b",
        ),
        param("lang", json!({"type": "string"}), "language filter"),
        param(
            "entity",
            json!({"type": "string"}),
            "entity id filter (repeatable: all must match)",
        ),
        param(
            "source",
            json!({"type": "string"}),
            "source filter (case-insensitive)",
        ),
        param(
            "from",
            json!({"type": "string", "format": "date"}),
            "published on or after",
        ),
        param(
            "to",
            json!({"type": "string", "format": "date"}),
            "published on or before (whole day)",
        ),
        param("story", json!({"type": "integer"}), "story filter"),
        param(
            "sort",
            json!({"type": "string", "enum": ["relevance", "newest", "oldest"]}),
            "order",
        ),
        param(
            "limit",
            json!({"type": "integer", "minimum": 0, "maximum": 100, "default": 20}),
            "page size",
        ),
        param(
            "offset",
            json!({"type": "integer", "minimum": 0, "maximum": 100000}),
            "hits to skip",
        ),
    ];
    let err = json!({"type": "object", "required": ["error"], "properties": {"error": {
        "type": "object", "properties": {"status": {"type": "integer"}, "code": {"type": "string"},
        "message": {"type": "string"}}}}});
    let obj = |props: Value| json!({"type": "object", "properties": props});
    let actor = obj(
        json!({"text": {"type": "string"}, "entity_id": {"type": ["string", "null"]}, "canonical": {"type": ["string", "null"]}}),
    );
    let entity_ref = obj(
        json!({"id": {"type": "string"}, "canonical": {"type": "string"}, "type": {"type": "string"}, "count": {"type": "integer"}}),
    );
    json!({
        "openapi": "3.1.0",
        "info": {"title": "newsgraph API", "version": env!("CARGO_PKG_VERSION"),
            "description": "Articles, stories, storylines, entities, events and full-text search. Read endpoints need no authentication; POST /api/ingest needs the server's bearer token."},
        "paths": {
            "/healthz": {"get": {"summary": "Liveness and counts", "responses": {"200": {"description": "OK"}}}},
            "/api/articles": {"get": {"summary": "List articles (stable order by id or publication date)", "parameters": articles_params, "responses": ok(page_of(r("Article")))}},
            "/api/articles/{id}": {"get": {"summary": "One article with its analysis and story ids", "parameters": [path_param("id", json!({"type": "integer", "minimum": 1}))], "responses": ok_or_404(r("ArticleDetail"))}},
            "/api/stories": {"get": {"summary": "List stories", "parameters": stories_params, "responses": ok(page_of(r("Story")))}},
            "/api/stories/{id}": {"get": {"summary": "One story: a page each of its members (ascending id, with why they belong), timeline and merged events; complete summary (counts per language and outlet, date span), entities and differences between sources. `pages` gives each list's total, offset and limit.", "parameters": story_params, "responses": ok_or_404(r("StoryDetail"))}},
            "/api/storylines": {"get": {"summary": "List storylines", "parameters": page_params(), "responses": ok(page_of(r("Storyline")))}},
            "/api/storylines/{id}": {"get": {"summary": "One storyline", "parameters": [path_param("id", json!({"type": "integer", "minimum": 1}))], "responses": ok_or_404(obj(json!({"storyline": r("Storyline"), "extra": {}})))}},
            "/api/entities": {"get": {"summary": "List entities (most articles first, then name)", "parameters": entities_params, "responses": ok(page_of(r("Entity")))}},
            "/api/entities/{id}": {"get": {"summary": "One entity: variants, mentions, mentions per day, co-occurring entities", "parameters": [path_param("id", json!({"type": "string"}))], "responses": ok_or_404(r("EntityDetail"))}},
            "/api/events": {"get": {"summary": "Merged events of a story, of an article, or of the newest `limit` articles", "parameters": [
                param("story", json!({"type": "integer"}), "story id"), param("article", json!({"type": "integer"}), "article id"),
                param("limit", json!({"type": "integer", "minimum": 1, "maximum": 500, "default": 50}), "newest articles to use when neither story nor article is given")],
                "responses": ok_or_404(obj(json!({"total": {"type": "integer"}, "items": {"type": "array", "items": r("MergedEvent")}})))}},
            "/api/search": {"get": {"summary": "Full-text search with filters and facets", "parameters": search_params, "responses": ok(r("SearchResults"))}},
            "/api/ingest": {"post": {"summary": "Ingest JSONL (one article object per line)", "security": [{"bearer": []}],
                "requestBody": {"required": true, "content": {"application/x-ndjson": {"schema": {"type": "string"}}}},
                "responses": {"200": {"description": "Ingest summary and new article ids"},
                    "400": {"$ref": "#/components/responses/BadParameter"},
                    "401": {"description": "No bearer token", "content": {"application/json": {"schema": r("Error")}}},
                    "403": {"description": "Wrong token, or ingest disabled (no token configured)", "content": {"application/json": {"schema": r("Error")}}},
                    "413": {"description": "Body larger than the configured limit"}}}}
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "responses": {
                "BadParameter": {"description": "A parameter is invalid", "content": {"application/json": {"schema": r("Error")}}},
                "NotFound": {"description": "Unknown id", "content": {"application/json": {"schema": r("Error")}}}
            },
            "schemas": {
                "Error": err,
                "Article": obj(json!({"id": {"type": "integer"}, "path": {"type": ["string", "null"]}, "url": {"type": ["string", "null"]},
                    "external_id": {"type": ["string", "null"]}, "title": {"type": "string"}, "lang": {"type": "string"},
                    "lang_confidence": {"type": "number"}, "published": {"type": ["string", "null"]}, "published_estimated": {"type": "boolean"},
                    "source": {"type": ["string", "null"]}, "author": {"type": ["string", "null"]}, "text": {"type": "string"},
                    "duplicate_of": {"type": ["integer", "null"]}, "duplicate_score": {"type": ["number", "null"]},
                    "format": {"type": "string"}, "metadata": {"type": "object"}, "ingested_at": {"type": "string"}})),
                "ArticleDetail": {"allOf": [r("Article"), obj(json!({"analysis": {"type": ["object", "null"], "description": "Analysis: sentences, mentions, places, timexes, events, quotes"},
                    "model_version": {"type": ["string", "null"]}, "story_ids": {"type": "array", "items": {"type": "integer"}}}))]},
                "EntityRef": entity_ref,
                "Story": obj(json!({"id": {"type": "integer"}, "title": {"type": "string"}, "article_ids": {"type": "array", "items": {"type": "integer"}},
                    "languages": {"type": "array", "items": {"type": "string"}}, "sources": {"type": "array", "items": {"type": "string"}},
                    "start": {"type": ["string", "null"]}, "end": {"type": ["string", "null"]}, "storyline_id": {"type": ["integer", "null"]},
                    "top_entities": {"type": "array", "items": r("EntityRef")}})),
                "StoryDetail": obj(json!({"story": r("Story"),
                    "members": {"type": "array", "items": obj(json!({"id": {"type": "integer"}, "title": {"type": "string"}, "lang": {"type": "string"}, "source": {"type": ["string", "null"]}, "published": {"type": ["string", "null"]}}))},
                    "timeline": {"type": "array", "items": obj(json!({"date": {"type": "string"}, "kind": {"type": "string"}, "text": {"type": "string"}, "article_ids": {"type": "array"}, "languages": {"type": "array"}, "sources": {"type": "array"}}))},
                    "entities": {"type": "array", "items": r("EntityRef")}, "why": {"type": "array"},
                    "events": {"type": "array", "items": r("MergedEvent")},
                    "differences": {"type": "array", "items": obj(json!({"kind": {"type": "string"}, "event_ids": {"type": "array"}, "summary": {"type": "string"}, "versions": {"type": "array"}}))},
                    "summary": obj(json!({"articles": {"type": "integer"}, "languages": counts, "sources": counts,
                        "start": {"type": ["string", "null"]}, "end": {"type": ["string", "null"]},
                        "timeline": {"type": "integer"}, "events": {"type": "integer"}, "differences": {"type": "integer"}})),
                    "pages": obj(json!({"members": page_info, "lang": {"type": ["string", "null"]}, "timeline": page_info, "events": page_info}))})),
                "Storyline": obj(json!({"id": {"type": "integer"}, "title": {"type": "string"}, "story_ids": {"type": "array", "items": {"type": "integer"}},
                    "start": {"type": ["string", "null"]}, "end": {"type": ["string", "null"]}, "top_entities": {"type": "array", "items": r("EntityRef")}})),
                "Entity": obj(json!({"id": {"type": "string"}, "canonical": {"type": "string"}, "type": {"type": "string"},
                    "variants": {"type": "array", "items": obj(json!({"text": {"type": "string"}, "lang": {"type": "string"}, "count": {"type": "integer"}}))},
                    "article_ids": {"type": "array", "items": {"type": "integer"}}})),
                "EntityDetail": obj(json!({"entity": r("Entity"), "mentions": {"type": "array"},
                    "timeline": {"type": "array", "items": obj(json!({"date": {"type": "string"}, "count": {"type": "integer"}}))},
                    "cooccurring": {"type": "array", "items": obj(json!({"id": {"type": "string"}, "canonical": {"type": "string"}, "count": {"type": "integer"}}))}})),
                "MergedEvent": obj(json!({"id": {"type": "string"}, "type": {"type": "string"}, "cameo": {"type": "string"}, "mode": {"type": ["string", "null"]},
                    "source": {"type": "array", "items": actor}, "target": {"type": "array", "items": actor}, "date": {"type": ["string", "null"]},
                    "modality": {"type": "string"}, "article_ids": {"type": "array", "items": {"type": "integer"}}, "sentences": {"type": "array"}, "reports": {"type": "array"}})),
                "SearchResults": obj(json!({"query": {"type": "string"}, "total": {"type": "integer"}, "offset": {"type": "integer"}, "limit": {"type": "integer"},
                    "hits": {"type": "array", "items": obj(json!({"article_id": {"type": "integer"}, "score": {"type": "number"}, "title": {"type": "string"},
                        "lang": {"type": "string"}, "source": {"type": ["string", "null"]}, "published": {"type": ["string", "null"]},
                        "story_id": {"type": ["integer", "null"]}, "entities": {"type": "array"},
                        "snippet": obj(json!({"text": {"type": "string"}, "highlights": {"type": "array", "items": {"type": "array", "items": {"type": "integer"}}}}))}))},
                    "facets": obj(json!({"lang": {"type": "array"}, "source": {"type": "array"}, "entity": {"type": "array"}, "story": {"type": "array"}})),
                    "warnings": {"type": "array", "items": {"type": "string"}}}))
            }
        }
    })
}

pub async fn openapi() -> impl IntoResponse {
    Json(document())
}
