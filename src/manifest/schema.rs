//! Schemas: every document checked against the schema of its
//! `apiVersion`/`kind`, as kubeconform checks it — the built-in Kubernetes
//! definitions for one minor version (schemas/kubernetes/, the same
//! JSON Schema form of the OpenAPI spec kubeconform reads, so the verdicts
//! are the same), custom resources against their CRD's `openAPIV3Schema`,
//! and `strict` adding kubeconform's `additionalProperties: false`.
//!
//! Why the `jsonschema` crate over `k8s-openapi`'s schemars output: the
//! schemas come from the same generator as the reference tool's, so a
//! verdict difference can only be the validator's, and the full keyword set
//! CRDs use (patterns, bounds, enums) is a maintained implementation's job.
//! Patterns run on the `regex` crate (linear time, RE2 syntax as the API
//! server's Go). No network: references are local, formats are not
//! asserted (neither tool asserts them).
//!
//! Decision logic only: the caller reads CRD files and documents.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;
use serde_json::{json, Map, Value};

use super::Document;
/// The settings, re-exported for the differential test.
pub use crate::config::{Schemas, UnknownKinds};
use crate::finding::{Code, Finding};

/// (apiVersion, kind).
type Gvk = (String, String);
/// One version's definitions, or why they could not be read.
type Loaded = Result<Map<String, Value>, String>;
/// A kind's schema compiled, with where it came from (None: no schema).
type Compiled = Option<(Origin, Result<jsonschema::Validator, String>)>;

/// The built-in definitions of one version, decompressed once per process.
fn builtin(version: &str) -> Result<&'static Map<String, Value>, String> {
    macro_rules! table {
        ($($v:literal),*) => {
            &[$(($v, include_bytes!(concat!("../../schemas/kubernetes/v", $v, ".json.gz")) as &[u8]),)*]
        };
    }
    static DATA: &[(&str, &[u8])] = table!(
        "1.25", "1.26", "1.27", "1.28", "1.29", "1.30", "1.31", "1.32", "1.33", "1.34", "1.35",
        "1.36", "1.37"
    );
    static LOADED: OnceLock<Vec<OnceLock<Loaded>>> = OnceLock::new();
    let loaded = LOADED.get_or_init(|| DATA.iter().map(|_| OnceLock::new()).collect());
    let i = DATA
        .iter()
        .position(|(v, _)| *v == version)
        .ok_or_else(|| format!("no built-in schemas for Kubernetes {version}"))?;
    loaded[i]
        .get_or_init(|| {
            let mut text = String::new();
            flate2::read::GzDecoder::new(DATA[i].1)
                .read_to_string(&mut text)
                .map_err(|e| format!("the built-in schemas for {version} are damaged: {e}"))?;
            match serde_json::from_str(&text) {
                Ok(Value::Object(m)) => Ok(m),
                _ => Err(format!("the built-in schemas for {version} are damaged")),
            }
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// Where a schema came from, for messages.
#[derive(Debug, Clone)]
enum Origin {
    /// A definition of the built-in set.
    Builtin(String),
    /// A CRD (file, document) or a schema file of `--schema-location`.
    File(String),
}

/// A schema not yet compiled: its JSON, and whether it is the built-in set.
#[derive(Debug, Clone)]
struct Entry {
    origin: Origin,
    schema: Arc<Value>,
}

/// The schemas one push (or one `validate` run) checks against.
#[derive(Clone)]
pub struct Catalog {
    version: String,
    strict: bool,
    unknown: UnknownKinds,
    /// The built-in definitions, with `strict` applied.
    defs: Arc<Value>,
    builtin: HashMap<Gvk, String>,
    custom: HashMap<Gvk, Entry>,
    /// Each kind's schema compiled once per catalog (a push, a `validate`
    /// run), whatever the number of `check` calls; renewed when a CRD or a
    /// schema file is added, so clones never share a stale one.
    cache: Arc<std::sync::Mutex<HashMap<Gvk, Arc<Compiled>>>>,
    /// `--schema-location`s, in order.
    locations: Vec<String>,
    /// (group, kind) → the CRD (`file:line`) that defined it first.
    crd_kinds: HashMap<(String, String), String>,
}

/// Groups reserved to the Kubernetes project: the API server takes a CRD
/// in one only with the `api-approved.kubernetes.io` annotation (Gateway
/// API, for one).
fn reserved_group(group: &str) -> bool {
    ["k8s.io", "kubernetes.io"]
        .iter()
        .any(|g| group == *g || group.ends_with(&format!(".{g}")))
}

/// kubeconform's strict: an object that lists its properties allows no
/// others, unless it says so (`additionalProperties`, or a CRD's
/// `x-kubernetes-preserve-unknown-fields`).
fn make_strict(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if m.contains_key("properties")
                && !m.contains_key("additionalProperties")
                && m.get("x-kubernetes-preserve-unknown-fields") != Some(&Value::Bool(true))
            {
                m.insert("additionalProperties".into(), Value::Bool(false));
            }
            for (k, child) in m.iter_mut() {
                if k == "properties" || k == "$defs" || k == "patternProperties" {
                    if let Value::Object(props) = child {
                        props.values_mut().for_each(make_strict);
                    }
                } else if k != "enum" && k != "default" && k != "example" {
                    make_strict(child);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(make_strict),
        _ => {}
    }
}

/// A CRD's OpenAPI v3 schema as JSON Schema, the way openapi2jsonschema
/// (kubeconform's CRD converter) makes it: `nullable` allows null,
/// `x-kubernetes-int-or-string` is integer or string, OpenAPI 3.0's boolean
/// `exclusiveMinimum`/`Maximum` become numbers.
fn from_openapi(v: &mut Value) {
    let Value::Object(m) = v else {
        if let Value::Array(a) = v {
            a.iter_mut().for_each(from_openapi);
        }
        return;
    };
    if m.remove("x-kubernetes-int-or-string") == Some(Value::Bool(true)) {
        m.remove("type");
        m.insert(
            "oneOf".into(),
            json!([{"type": "string"}, {"type": "integer"}]),
        );
    }
    if m.remove("nullable") == Some(Value::Bool(true)) {
        match m.get("type").cloned() {
            Some(Value::String(t)) => {
                m.insert("type".into(), json!([t, "null"]));
            }
            None => {}
            Some(_) => {}
        }
        for k in ["enum"] {
            if let Some(Value::Array(e)) = m.get_mut(k) {
                if !e.contains(&Value::Null) {
                    e.push(Value::Null);
                }
            }
        }
    }
    // The API server applies defaults before it validates: a required
    // field with a default is never missing.
    if let (Some(Value::Array(required)), Some(Value::Object(props))) =
        (m.get("required").cloned(), m.get("properties"))
    {
        let kept: Vec<Value> = required
            .into_iter()
            .filter(|r| {
                r.as_str()
                    .and_then(|n| props.get(n))
                    .is_none_or(|p| p.get("default").is_none())
            })
            .collect();
        m.insert("required".into(), Value::Array(kept));
    }
    for (bound, limit) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(Value::Bool(b)) = m.get(bound).cloned() {
            m.remove(bound);
            if b {
                if let Some(n) = m.remove(limit) {
                    m.insert(bound.into(), n);
                }
            }
        }
    }
    for (k, child) in m.iter_mut() {
        if k == "properties" || k == "patternProperties" || k == "definitions" {
            if let Value::Object(props) = child {
                props.values_mut().for_each(from_openapi);
            }
        } else if k != "enum" && k != "default" && k != "example" {
            from_openapi(child);
        }
    }
}

/// A field path for people: `spec.template.spec.containers[0].image`.
fn dotted(path: &[String], indexes: &[bool]) -> String {
    let mut s = String::new();
    for (p, index) in path.iter().zip(indexes) {
        if *index {
            s.push_str(&format!("[{p}]"));
        } else {
            if !s.is_empty() {
                s.push('.');
            }
            s.push_str(p);
        }
    }
    if s.is_empty() {
        "(the document)".into()
    } else {
        s
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// What a `oneOf`/`anyOf` of plain types accepts ("integer or string"),
/// when that is all it is.
fn alternatives(schema: Option<&Value>) -> Option<String> {
    let list = schema?.as_array()?;
    let mut names = Vec::new();
    for s in list {
        let t = s.get("type")?;
        let ts: Vec<&str> = match t {
            Value::String(t) => vec![t.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => return None,
        };
        names.extend(ts.into_iter().filter(|t| *t != "null"));
    }
    names.dedup();
    Some(names.join(" or "))
}

/// The schema location an error points at, without the built-in set's
/// prefix: `io.k8s.api.apps.v1.DeploymentSpec/properties/replicas/type`.
fn schema_at(e: &jsonschema::ValidationError) -> String {
    let full = e
        .absolute_keyword_location()
        .and_then(|u| u.fragment().map(|f| f.as_str().to_owned()))
        .unwrap_or_else(|| e.schema_path().as_str().to_owned());
    let full = full.strip_prefix("/$defs/").unwrap_or(&full).to_owned();
    full.replace("~1", "/").replace("~0", "~")
}

impl Catalog {
    pub fn new(settings: &Schemas) -> Result<Catalog, String> {
        let defs = builtin(&settings.kubernetes)?;
        let mut index = HashMap::new();
        for (name, def) in defs {
            for gvk in def
                .get("x-kubernetes-group-version-kind")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let (Some(g), Some(v), Some(k)) = (
                    gvk.get("group").and_then(Value::as_str),
                    gvk.get("version").and_then(Value::as_str),
                    gvk.get("kind").and_then(Value::as_str),
                ) else {
                    continue;
                };
                let api = if g.is_empty() {
                    v.to_owned()
                } else {
                    format!("{g}/{v}")
                };
                // The first definition for a kind: several (DeleteOptions,
                // WatchEvent) list every group; the resource's own comes first.
                index.entry((api, k.to_owned())).or_insert(name.clone());
            }
        }
        let mut all = Value::Object(defs.clone());
        if settings.strict {
            if let Value::Object(m) = &mut all {
                m.values_mut().for_each(make_strict);
            }
        }
        Ok(Catalog {
            version: settings.kubernetes.clone(),
            strict: settings.strict,
            unknown: settings.unknown_kinds,
            defs: Arc::new(all),
            builtin: index,
            custom: HashMap::new(),
            cache: Arc::default(),
            locations: Vec::new(),
            crd_kinds: HashMap::new(),
        })
    }

    /// Learns the kinds a CustomResourceDefinition document defines (its
    /// served versions). A CRD that cannot be read is a finding naming it;
    /// a document of another kind is ignored.
    pub fn add_crd(&mut self, doc: &Document) -> Result<(), Box<Finding>> {
        let d = &doc.document;
        if d.get("kind").and_then(Value::as_str) != Some("CustomResourceDefinition")
            || !d
                .get("apiVersion")
                .and_then(Value::as_str)
                .is_some_and(|a| a.starts_with("apiextensions.k8s.io/"))
        {
            return Ok(());
        }
        let refuse = |message: String, help: &str| {
            let mut f = Finding::new(Code::SchemaCrdInvalid, message, help);
            f.path = Some(doc.path.clone());
            f.line = (doc.line > 0).then_some(doc.line);
            f.document = Some(doc.index);
            f.object = crate::finding::Object::of(d);
            Box::new(f)
        };
        let spec = d.get("spec");
        let group = spec.and_then(|s| s.get("group")).and_then(Value::as_str);
        let kind = spec
            .and_then(|s| s.get("names"))
            .and_then(|n| n.get("kind"))
            .and_then(Value::as_str);
        let (Some(group), Some(kind)) = (group, kind) else {
            return Err(refuse(
                format!(
                    "{} defines a CRD without spec.group or spec.names.kind",
                    doc.path
                ),
                "give the CRD its group and kind, as the API server requires",
            ));
        };
        // A built-in group's kinds are the built-in schemas' alone: a CRD
        // there would let a looser schema stand in for them.
        if self
            .builtin
            .keys()
            .any(|(api, _)| api.rsplit_once('/').map_or("", |(g, _)| g) == group)
            || group.is_empty()
        {
            return Err(refuse(
                format!("{}: the CRD claims the group {group:?}, which is built into Kubernetes {}; its kinds are checked against the built-in schemas only", doc.path, self.version),
                "use a group of your own domain (example.com); the API server would not serve it either",
            ));
        }
        if !group.contains('.') {
            return Err(refuse(
                format!("{}: the CRD's group {group:?} has no dot; the API server requires a domain-like group", doc.path),
                "use a group of your own domain (widgets.example.com)",
            ));
        }
        let approved = d
            .get("metadata")
            .and_then(|m| m.get("annotations"))
            .and_then(|a| a.get("api-approved.kubernetes.io"))
            .and_then(Value::as_str)
            .is_some_and(|v| !v.is_empty());
        if reserved_group(group) && !approved {
            return Err(refuse(
                format!("{}: the CRD's group {group:?} is reserved to the Kubernetes project, and it has no api-approved.kubernetes.io annotation; the API server refuses it", doc.path),
                "use a group of your own domain, or (for a CRD of a Kubernetes project, such as Gateway API) the upstream file with its annotation",
            ));
        }
        // The API server names a CRD `<plural>.<group>`, and refuses any
        // other name.
        let plural = spec
            .and_then(|s| s.get("names"))
            .and_then(|n| n.get("plural"))
            .and_then(Value::as_str)
            .unwrap_or("");
        let name = d
            .get("metadata")
            .and_then(|m| m.get("name"))
            .and_then(Value::as_str)
            .unwrap_or("");
        if name != format!("{plural}.{group}") {
            return Err(refuse(
                format!("{}: the CRD is named {name:?}; the API server requires spec.names.plural.spec.group, {:?}", doc.path, format!("{plural}.{group}")),
                "name the CRD <plural>.<group>",
            ));
        }
        let common = spec
            .and_then(|s| s.get("validation"))
            .and_then(|v| v.get("openAPIV3Schema"));
        let versions = spec
            .and_then(|s| s.get("versions"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if versions.is_empty() {
            return Err(refuse(
                format!("{}: the CRD for {kind} lists no spec.versions", doc.path),
                "list the versions it serves, each with schema.openAPIV3Schema",
            ));
        }
        let mut defined = Vec::new();
        for v in &versions {
            let Some(name) = v.get("name").and_then(Value::as_str) else {
                return Err(refuse(
                    format!("{}: a version of the CRD for {kind} has no name", doc.path),
                    "give every entry of spec.versions a name",
                ));
            };
            if v.get("served") == Some(&Value::Bool(false)) {
                continue;
            }
            let Some(schema) = v
                .get("schema")
                .and_then(|s| s.get("openAPIV3Schema"))
                .or(common)
            else {
                return Err(refuse(
                    format!("{}: version {name} of the CRD for {kind} has no schema.openAPIV3Schema, so its resources cannot be checked", doc.path),
                    "give the version a structural schema (apiextensions.k8s.io/v1 requires one)",
                ));
            };
            let mut schema = schema.clone();
            from_openapi(&mut schema);
            if let Value::Object(m) = &mut schema {
                // The API server always allows these; a CRD's schema
                // seldom lists them.
                let props = m
                    .entry("properties")
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(p) = props {
                    p.entry("apiVersion").or_insert(json!({"type": "string"}));
                    p.entry("kind").or_insert(json!({"type": "string"}));
                    p.entry("metadata").or_insert(json!({"type": "object"}));
                }
            }
            if self.strict {
                make_strict(&mut schema);
                // metadata is an ObjectMeta whatever the CRD constrains in
                // it (at most name and generateName): never closed.
                if let Some(Value::Object(meta)) = schema.pointer_mut("/properties/metadata") {
                    meta.remove("additionalProperties");
                }
            }
            let origin = Origin::File(if doc.line > 0 {
                format!("{}:{}", doc.path, doc.line)
            } else {
                doc.path.clone()
            });
            if let Err(e) = compile(&schema) {
                return Err(refuse(
                    format!("{}: the schema of version {name} of the CRD for {kind} is not a valid schema: {e}", doc.path),
                    "fix the CRD's openAPIV3Schema (`kubectl apply --dry-run=server` shows the API server's view)",
                ));
            }
            defined.push((
                (format!("{group}/{name}"), kind.to_owned()),
                Entry {
                    origin,
                    schema: Arc::new(schema),
                },
            ));
        }
        // The first definition of a group's kind stands (the operator's,
        // then the branch's, then the update's), whatever versions it
        // lists: a second CRD for it, from another document, would let a
        // pusher loosen the first, or add a looser version beside it.
        let here = match doc.line {
            0 => doc.path.clone(),
            l => format!("{}:{l}", doc.path),
        };
        let key = (group.to_owned(), kind.to_owned());
        if let Some(first) = self.crd_kinds.get(&key).filter(|f| **f != here) {
            return Err(refuse(
                format!("{}: the CRD defines {group} {kind} again; the definition from {first} stands", doc.path),
                "keep one CustomResourceDefinition per kind (the API server holds one per group and kind)",
            ));
        }
        self.crd_kinds.insert(key, here);
        self.cache = Arc::default();
        self.custom.extend(defined);
        Ok(())
    }

    /// A `--schema-location`: a directory, a file, or a kubeconform
    /// template (`dir/{{ .ResourceKind }}{{ .KindSuffix }}.json`), consulted
    /// in order for a kind neither built in nor defined by a CRD.
    pub fn add_location(&mut self, location: String) {
        self.cache = Arc::default();
        self.locations.push(location);
    }

    /// The schema file a location names for a kind, read and compiled (a
    /// file that is there but unreadable is an error, not a miss).
    fn in_locations(&self, (api, kind): &Gvk) -> Compiled {
        let (group, version) = api.rsplit_once('/').unwrap_or(("", api));
        let kind_suffix = match group.split('.').next() {
            Some(g) if !g.is_empty() => format!("-{g}-{version}"),
            _ => format!("-{version}"),
        };
        let strict_suffix = if self.strict { "-strict" } else { "" };
        let vars = [
            (
                "NormalizedKubernetesVersion",
                format!("v{}.0", self.version),
            ),
            ("StrictSuffix", strict_suffix.to_owned()),
            ("ResourceKind", kind.to_lowercase()),
            ("ResourceAPIVersion", version.to_owned()),
            ("Group", group.to_owned()),
            ("KindSuffix", kind_suffix),
        ];
        for location in &self.locations {
            let template = if std::path::Path::new(location).is_dir() {
                format!(
                    "{}/{{{{ .ResourceKind }}}}{{{{ .KindSuffix }}}}.json",
                    location.trim_end_matches('/')
                )
            } else {
                location.clone()
            };
            let mut path = template;
            for (k, v) in &vars {
                path = path
                    .replace(&format!("{{{{ .{k} }}}}"), v)
                    .replace(&format!("{{{{.{k}}}}}"), v);
            }
            if !std::path::Path::new(&path).is_file() {
                continue;
            }
            let origin = Origin::File(path.clone());
            let schema = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {path}: {e}"))
                .and_then(|t| {
                    serde_json::from_str::<Value>(&t)
                        .map_err(|e| format!("{path} is not JSON: {e}"))
                });
            return Some(match schema {
                Ok(mut schema) => {
                    if self.strict {
                        make_strict(&mut schema);
                    }
                    let v = compile(&schema);
                    (origin, v)
                }
                Err(e) => (origin, Err(e)),
            });
        }
        None
    }

    fn entry(&self, gvk: &Gvk) -> Option<Entry> {
        if let Some(def) = self.builtin.get(gvk) {
            return Some(Entry {
                origin: Origin::Builtin(def.clone()),
                schema: self.defs.clone(),
            });
        }
        self.custom.get(gvk).cloned()
    }

    /// Checks every document: (violations, warnings).
    pub fn check(&self, docs: &[Document]) -> (Vec<Finding>, Vec<Finding>) {
        let gvk_of = |d: &Document| -> Option<Gvk> {
            Some((
                d.document.get("apiVersion")?.as_str()?.to_owned(),
                d.document.get("kind")?.as_str()?.to_owned(),
            ))
        };
        // Each kind's schema compiled once, on every core.
        let mut kinds: Vec<Gvk> = docs.iter().filter_map(gvk_of).collect();
        kinds.sort();
        kinds.dedup();
        let cached = |gvk: &Gvk| {
            self.cache
                .lock()
                .map(|c| c.get(gvk).cloned())
                .unwrap_or(None)
        };
        kinds.retain(|k| cached(k).is_none());
        let fresh: Vec<(Gvk, Arc<Compiled>)> = kinds
            .into_par_iter()
            .map(|gvk| {
                let entry = self
                    .entry(&gvk)
                    .map(|e| {
                        let validator = match &e.origin {
                            Origin::Builtin(def) => compile(&json!({
                                "$ref": format!("#/$defs/{def}"),
                                "$defs": (*e.schema).clone(),
                            })),
                            Origin::File(_) => compile(&e.schema),
                        };
                        (e.origin, validator)
                    })
                    .or_else(|| self.in_locations(&gvk));
                (gvk, Arc::new(entry))
            })
            .collect();
        if let Ok(mut c) = self.cache.lock() {
            c.extend(fresh.iter().cloned());
        }
        let fresh: BTreeMap<Gvk, Arc<Compiled>> = fresh.into_iter().collect();
        let compiled = |gvk: &Gvk| fresh.get(gvk).cloned().or_else(|| cached(gvk));
        let results: Vec<(Vec<Finding>, Vec<Finding>)> = docs
            .par_iter()
            .map(|d| {
                let name = d.path.rsplit('/').next().unwrap_or(&d.path);
                let kustomize_input = d.document.get("kind").is_none()
                    || d.document
                        .get("apiVersion")
                        .and_then(Value::as_str)
                        .is_some_and(|a| a.starts_with("kustomize.config.k8s.io/"));
                if d.line > 0
                    && kustomize_input
                    && matches!(
                        name,
                        "kustomization.yaml" | "kustomization.yml" | "Kustomization"
                    )
                {
                    // A base's kustomization: the renderer's input, which
                    // often names no kind (line 0: a render's output, whose
                    // path is its root's kustomization).
                    return (vec![], vec![]);
                }
                let Some(gvk) = gvk_of(d) else {
                    return self.unknown_kind(d, None);
                };
                if gvk.0.starts_with("kustomize.config.k8s.io/") {
                    // A renderer's input (a base's kustomization.yaml), never
                    // applied itself.
                    return (vec![], vec![]);
                }
                match compiled(&gvk).as_deref() {
                    Some(Some((origin, Ok(v)))) => (self.findings(d, origin, v), vec![]),
                    Some(Some((origin, Err(e)))) => {
                        let what = match origin {
                            Origin::Builtin(def) => format!("the built-in schema {def}"),
                            Origin::File(f) => format!("the schema from {f}"),
                        };
                        let mut f = Finding::new(
                            Code::SchemaCrdInvalid,
                            format!("{} {}: {what} does not compile: {e}", gvk.0, gvk.1),
                            "fix the schema (or the CRD it came from)",
                        );
                        f = d.locate(f);
                        (vec![f], vec![])
                    }
                    _ => self.unknown_kind(d, Some(&gvk)),
                }
            })
            .collect();
        let mut out = (Vec::new(), Vec::new());
        for (v, w) in results {
            out.0.extend(v);
            out.1.extend(w);
        }
        out
    }

    fn unknown_kind(&self, d: &Document, gvk: Option<&Gvk>) -> (Vec<Finding>, Vec<Finding>) {
        if self.unknown == UnknownKinds::Skip {
            return (vec![], vec![]);
        }
        let message = match gvk {
            None => {
                let has = |k: &str| d.document.get(k).and_then(Value::as_str).is_some_and(|v| !v.is_empty());
                let missing = match (has("apiVersion"), has("kind")) {
                    (true, false) => "no kind",
                    (false, true) => "no apiVersion",
                    _ => "no apiVersion and no kind",
                };
                format!(
                    "{} (document {}) has {missing}: kubectl would refuse to apply it, and no schema can describe it",
                    d.path, d.index
                )
            }
            Some((api, kind)) => format!(
                "{api} {kind} has no schema: it is not built into Kubernetes {} and no CRD in manifests.schemas.crds defines it",
                self.version
            ),
        };
        let f = d.locate(Finding::new(
            Code::SchemaUnknownKind,
            message,
            "add the CRD that defines the kind to a directory listed in manifests.schemas.crds (it may come in the same push), fix apiVersion/kind, or set manifests.schemas.unknown_kinds: warn",
        ));
        match self.unknown {
            UnknownKinds::Warn => (vec![], vec![f]),
            _ => (vec![f], vec![]),
        }
    }

    /// A document's schema errors as findings at the field they name.
    fn findings(&self, d: &Document, origin: &Origin, v: &jsonschema::Validator) -> Vec<Finding> {
        let mut out = Vec::new();
        let against = match origin {
            Origin::Builtin(_) => format!("Kubernetes {}", self.version),
            Origin::File(f) => f.clone(),
        };
        // Most documents are valid: the boolean check stops at nothing and
        // builds no error; only a failing document is walked for errors.
        if v.is_valid(&d.document) {
            return out;
        }
        for e in v.iter_errors(&d.document) {
            let mut path = Vec::new();
            let mut indexes = Vec::new();
            for seg in e.instance_path().iter() {
                match seg {
                    jsonschema::paths::LocationSegment::Property(p) => {
                        path.push(p.into_owned());
                        indexes.push(false);
                    }
                    jsonschema::paths::LocationSegment::Index(i) => {
                        path.push(i.to_string());
                        indexes.push(true);
                    }
                }
            }
            let at = dotted(&path, &indexes);
            let instance = e.instance();
            let schema = schema_at(&e);
            let (code, message, field) = match e.kind() {
                jsonschema::error::ValidationErrorKind::AdditionalProperties { unexpected } => {
                    let name = unexpected.first().cloned().unwrap_or_default();
                    let mut p = path.clone();
                    p.push(name.clone());
                    let mut ix = indexes.clone();
                    ix.push(false);
                    let more = if unexpected.len() > 1 {
                        format!(" (and {})", unexpected[1..].join(", "))
                    } else {
                        String::new()
                    };
                    let owner = schema
                        .strip_suffix("/additionalProperties")
                        .unwrap_or(&schema);
                    let owner = if owner.is_empty() || owner.starts_with('/') {
                        format!("the schema at #{owner}")
                    } else {
                        owner.to_owned()
                    };
                    (
                        Code::SchemaUnknownField,
                        format!(
                            "{}: unknown field{more}: {owner} has no such field ({}, {against}, strict)",
                            dotted(&p, &ix),
                            gvk_text(&d.document)
                        ),
                        p,
                    )
                }
                jsonschema::error::ValidationErrorKind::Type { kind } => {
                    let expected: Vec<&str> = match kind {
                        jsonschema::error::TypeKind::Single(t) => vec![t.as_str()],
                        jsonschema::error::TypeKind::Multiple(ts) => ts
                            .iter()
                            .map(|t| t.as_str())
                            .filter(|t| *t != "null")
                            .collect(),
                    };
                    (
                        Code::SchemaInvalid,
                        format!(
                            "{at}: expected {}, got {} (schema {schema}, {against})",
                            expected.join(" or "),
                            type_name(instance)
                        ),
                        path.clone(),
                    )
                }
                jsonschema::error::ValidationErrorKind::Required { property } => {
                    let name = property.as_str().unwrap_or("?");
                    (
                        Code::SchemaInvalid,
                        format!("{at}: the required field {name} is missing (schema {schema}, {against})"),
                        path.clone(),
                    )
                }
                jsonschema::error::ValidationErrorKind::OneOfNotValid { .. }
                | jsonschema::error::ValidationErrorKind::AnyOf { .. } => {
                    let keyword = if matches!(
                        e.kind(),
                        jsonschema::error::ValidationErrorKind::AnyOf { .. }
                    ) {
                        "anyOf"
                    } else {
                        "oneOf"
                    };
                    let expected = self
                        .lookup(origin, &schema)
                        .and_then(|s| alternatives(s.get(keyword)));
                    let message = match expected {
                        Some(x) => format!(
                            "{at}: expected {x}, got {} (schema {schema}, {against})",
                            type_name(instance)
                        ),
                        None => format!(
                            "{at}: matches none of the forms the schema allows (schema {schema}, {against})"
                        ),
                    };
                    (Code::SchemaInvalid, message, path.clone())
                }
                _ => (
                    Code::SchemaInvalid,
                    format!(
                        "{at}: {} (schema {schema}, {against})",
                        short(&e.to_string())
                    ),
                    path.clone(),
                ),
            };
            let mut f = d.locate(Finding::new(
                code,
                message,
                match code {
                    Code::SchemaUnknownField => "remove the field or fix its spelling (kubectl apply would drop or refuse it); `kubectl explain KIND.FIELD` lists the fields",
                    _ => "fix the field to match the schema; `kubectl explain KIND.FIELD` shows what it takes",
                },
            ));
            for n in (1..=field.len()).rev() {
                if let Some((line, column)) = d.spans.get(&field[..n]) {
                    if d.line > 0 {
                        f.line = Some(line);
                        f.column = Some(column);
                    }
                    break;
                }
            }
            f.metadata = Some(json!({ "path": field, "schema": schema }));
            out.push(f);
            // A badly wrong document would list hundreds; the first few say it.
            if out.len() >= 20 {
                break;
            }
        }
        out
    }

    /// The schema at an error's location (a `#/$defs/...` fragment), for
    /// what a `oneOf` allows.
    fn lookup<'a>(&'a self, origin: &Origin, at: &str) -> Option<&'a Value> {
        let (root, pointer) = match origin {
            Origin::Builtin(_) => (&*self.defs, format!("/{at}")),
            Origin::File(f) => (
                &*self
                    .custom
                    .values()
                    .find(|e| matches!(&e.origin, Origin::File(g) if g == f))?
                    .schema,
                at.to_owned(),
            ),
        };
        let pointer = pointer
            .rsplit_once('/')
            .map_or(pointer.as_str(), |(p, _)| p);
        let pointer = pointer
            .split('/')
            .map(|s| s.replace('~', "~0").replace('/', "~1"))
            .collect::<Vec<_>>()
            .join("/");
        root.pointer(&pointer)
    }
}

fn gvk_text(d: &Value) -> String {
    let s = |k: &str| d.get(k).and_then(Value::as_str).unwrap_or("?");
    format!("{} {}", s("apiVersion"), s("kind"))
}

/// An error's own words, kept to one short line.
fn short(s: &str) -> String {
    let line = s.lines().next().unwrap_or("");
    if line.chars().count() > 200 {
        let cut: String = line.chars().take(200).collect();
        format!("{cut}…")
    } else {
        line.to_owned()
    }
}

fn compile(schema: &Value) -> Result<jsonschema::Validator, String> {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(false)
        .with_pattern_options(jsonschema::PatternOptions::regex().size_limit(1 << 20))
        .build(schema)
        .map_err(|e| short(&e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::{parse_text, Limits};

    fn settings(strict: bool) -> Schemas {
        Schemas {
            kubernetes: "1.33".into(),
            crds: vec![],
            local_crds: vec![],
            locations: vec![],
            strict,
            unknown_kinds: UnknownKinds::Reject,
        }
    }

    fn check(strict: bool, text: &str) -> (Vec<Finding>, Vec<Finding>) {
        let docs = parse_text("a.yaml", text, &Limits::default()).unwrap();
        Catalog::new(&settings(strict)).unwrap().check(&docs)
    }

    const DEPLOY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: REPLICAS\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n          EXTRA\n";

    #[test]
    fn every_built_in_version_loads_and_knows_deployments() {
        assert_eq!(crate::config::KUBERNETES_VERSIONS.len(), 13);
        for v in crate::config::KUBERNETES_VERSIONS {
            let mut s = settings(false);
            s.kubernetes = (*v).into();
            let c = Catalog::new(&s).unwrap();
            assert!(c
                .builtin
                .contains_key(&("apps/v1".into(), "Deployment".into())));
        }
    }

    #[test]
    fn a_string_replica_count_is_named_at_its_line() {
        let (v, _) = check(
            false,
            &DEPLOY.replace("REPLICAS", "\"3\"").replace("EXTRA", ""),
        );
        assert_eq!(v.len(), 1, "{v:#?}");
        assert_eq!(v[0].rule, Code::SchemaInvalid);
        assert!(
            v[0].message
                .starts_with("spec.replicas: expected integer, got string"),
            "{}",
            v[0].message
        );
        assert_eq!((v[0].line, v[0].column), (Some(6), Some(3)));
        let (v, _) = check(false, &DEPLOY.replace("REPLICAS", "3").replace("EXTRA", ""));
        assert!(v.is_empty(), "{v:#?}");
    }

    #[test]
    fn unknown_fields_only_under_strict() {
        let text = DEPLOY
            .replace("REPLICAS", "3")
            .replace("EXTRA", "imagePullPolicyy: Always");
        assert!(check(false, &text).0.is_empty());
        let (v, _) = check(true, &text);
        assert_eq!(v.len(), 1, "{v:#?}");
        assert_eq!(v[0].rule, Code::SchemaUnknownField);
        assert!(
            v[0].message
                .starts_with("spec.template.spec.containers[0].imagePullPolicyy: unknown field"),
            "{}",
            v[0].message
        );
        assert_eq!(v[0].line, Some(16));
    }

    #[test]
    fn int_or_string_and_quantities() {
        let ok = "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports:\n    - port: 80\n      targetPort: http\n";
        assert!(check(true, ok).0.is_empty());
        let bad = ok.replace("targetPort: http", "targetPort: [1]");
        let (v, _) = check(true, &bad);
        assert!(
            v[0].message
                .starts_with("spec.ports[0].targetPort: expected string or integer, got array"),
            "{}",
            v[0].message
        );
    }

    #[test]
    fn unknown_kinds_and_crds() {
        let cr = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 3}\n";
        let (v, _) = check(false, cr);
        assert_eq!(v[0].rule, Code::SchemaUnknownKind);
        let crd = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: widgets.example.com}\nspec:\n  group: example.com\n  names: {kind: Widget, plural: widgets}\n  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n            spec:\n              type: object\n              properties:\n                size: {type: integer, minimum: 1}\n                port: {x-kubernetes-int-or-string: true}\n";
        let limits = Limits::default();
        let crd_docs = parse_text("crds/w.yaml", crd, &limits).unwrap();
        let mut c = Catalog::new(&settings(true)).unwrap();
        c.add_crd(&crd_docs[0]).unwrap();
        let docs = parse_text("w.yaml", cr, &limits).unwrap();
        assert!(c.check(&docs).0.is_empty());
        let docs = parse_text(
            "w.yaml",
            &cr.replace("size: 3", "size: 0, colour: red"),
            &limits,
        )
        .unwrap();
        let (v, _) = c.check(&docs);
        let rules: Vec<_> = v.iter().map(|f| f.rule.to_string()).collect();
        assert_eq!(rules, ["schema-invalid", "schema-unknown-field"], "{v:#?}");
        // A CRD may not redefine a built-in kind.
        let hijack = crd
            .replace("group: example.com", "group: apps")
            .replace("kind: Widget", "kind: Deployment");
        let docs = parse_text("crds/d.yaml", &hijack, &limits).unwrap();
        assert_eq!(
            c.add_crd(&docs[0]).unwrap_err().rule,
            Code::SchemaCrdInvalid
        );
    }

    #[test]
    fn crd_defaults_fill_required_fields_and_metadata_stays_open() {
        let crd = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: widgets.example.com}\nspec:\n  group: example.com\n  names: {kind: Widget, plural: widgets}\n  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n            metadata:\n              type: object\n              properties:\n                name: {type: string, maxLength: 20}\n            spec:\n              type: object\n              required: [size, mode]\n              properties:\n                size: {type: integer}\n                mode: {type: string, default: fast}\n";
        let limits = Limits::default();
        let mut c = Catalog::new(&settings(true)).unwrap();
        c.add_crd(&parse_text("crd.yaml", crd, &limits).unwrap()[0])
            .unwrap();
        let cr = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, labels: {a: b}}\nspec: {size: 1}\n";
        let (v, _) = c.check(&parse_text("w.yaml", cr, &limits).unwrap());
        assert!(v.is_empty(), "{v:#?}");
        let (v, _) = c.check(
            &parse_text(
                "w.yaml",
                &cr.replace("spec: {size: 1}", "spec: {}"),
                &limits,
            )
            .unwrap(),
        );
        assert_eq!(v.len(), 1, "{v:#?}");
        assert!(
            v[0].message.contains("the required field size is missing"),
            "{}",
            v[0].message
        );
    }
}
