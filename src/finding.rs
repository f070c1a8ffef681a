//! What the gate found: one [`Finding`] per broken rule, with a stable code.
//!
//! A finding is a result, not an error: "evaluated, and here is what is
//! wrong". Errors (`anyhow::Error`) mean "could not evaluate" and reject the
//! push on their own. Codes are kebab-case, documented one heading each in
//! docs/findings.md, and never renamed: scripts and audit queries match them.

use std::borrow::Cow;

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable code, e.g. `force-push`; for Rego rules, `package.rule`
    /// (e.g. `pushgate.kubernetes.deny_latest_tag`).
    pub rule: Cow<'static, str>,
    /// One line: what is wrong.
    pub message: String,
    /// What to do about it.
    pub help: String,
    /// The config setting behind the verdict, e.g. `pushgate.yaml:14 (refs/heads/main: allow_force_push: false)`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// With `line`: the column of the field a policy named (its `path`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u64>,
    /// For multi-document manifests: which document, from 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<usize>,
    /// For a render root's document: the file the renderer says it came
    /// from (kustomize's origin annotation), e.g. `base/deploy.yaml`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// A Rego rule's object value, kept whole (conftest's metadata).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<serde_json::Value>,
    /// The Kubernetes object a manifest finding is about, as written in
    /// the document (what exceptions match `kind`/`name`/`namespace` on).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object: Option<Box<Object>>,
    /// An evaluate-mode finding: the day its rule starts rejecting (None:
    /// evaluating until the config changes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enforce_from: Option<String>,
    /// The exception that turned this finding into an `exception`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exception: Option<Box<ExceptionUse>>,
}

/// An exception as recorded on a finding it covered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ExceptionUse {
    /// `exceptions.yaml:3`.
    pub entry: String,
    pub owner: String,
    pub reason: String,
    pub expires: String,
    /// The entry's `match.ref`, when it is limited to some refs: the
    /// content it let onto them was not let onto others.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refs: Option<String>,
}

/// A manifest's identity: `kind`, `metadata.name`, `metadata.namespace`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Object {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

impl Object {
    /// Read from a decoded manifest; None when it names none of the three.
    pub fn of(document: &serde_json::Value) -> Option<Box<Object>> {
        let text = |v: Option<&serde_json::Value>| v.and_then(|v| v.as_str()).map(str::to_owned);
        let meta = document.get("metadata");
        let o = Object {
            kind: text(document.get("kind")),
            name: text(meta.and_then(|m| m.get("name"))),
            namespace: text(meta.and_then(|m| m.get("namespace"))),
        };
        (o.kind.is_some() || o.name.is_some() || o.namespace.is_some()).then(|| Box::new(o))
    }
}

/// What part of the gate a finding comes from: what break-glass may
/// bypass and exceptions may cover is said in these terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    /// Ref protection: who may push, force pushes, deletion, replace refs.
    Protection,
    /// Signed commits and tags, signers of paths.
    Signatures,
    Approvals,
    Promotion,
    /// Reading manifests as kubectl would.
    Manifests,
    /// The gate's bounds.
    Limits,
    /// The gate itself could not decide, or its config is broken.
    Gate,
    /// Rego rules (and their evaluation failing).
    Policies,
    /// Evaluate mode, exceptions and break-glass themselves.
    Rollout,
    /// Credentials in what a push brings (`secret.*` codes).
    Secrets,
}

impl Category {
    pub const fn as_str(self) -> &'static str {
        match self {
            Category::Protection => "protection",
            Category::Signatures => "signatures",
            Category::Approvals => "approvals",
            Category::Promotion => "promotion",
            Category::Manifests => "manifests",
            Category::Limits => "limits",
            Category::Gate => "gate",
            Category::Policies => "policies",
            Category::Rollout => "rollout",
            Category::Secrets => "secrets",
        }
    }
}

/// The category of a finding's `rule`: a gate code's, or a Rego rule's.
pub fn category_of(rule: &str) -> Category {
    if rule.starts_with("secret.") {
        return Category::Secrets;
    }
    Code::ALL
        .iter()
        .find(|c| c.as_str() == rule)
        .map_or(Category::Policies, |c| c.category())
}

impl Finding {
    /// A finding of the gate's own, under its typed code.
    pub fn new(code: Code, message: impl Into<String>, help: impl Into<String>) -> Self {
        Finding::new_owned(Cow::Borrowed(code.as_str()), message, help)
    }

    pub fn new_owned(
        rule: impl Into<Cow<'static, str>>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        Finding {
            rule: rule.into(),
            message: message.into(),
            help: help.into(),
            required_by: None,
            commit: None,
            path: None,
            line: None,
            source: None,
            column: None,
            document: None,
            metadata: None,
            object: None,
            enforce_from: None,
            exception: None,
        }
    }

    pub fn required_by(mut self, source: impl Into<String>) -> Self {
        self.required_by = Some(source.into());
        self
    }

    pub fn commit(mut self, id: impl Into<String>) -> Self {
        self.commit = Some(id.into());
        self
    }
}

/// Declares [`Code`] and its texts in one list, so a code cannot exist
/// without its text (a 10-line macro rather than strum: the only need is
/// `as_str` and `ALL`, and serde already renders the text).
macro_rules! codes {
    ($($(#[$doc:meta])* $variant:ident => $text:literal,)*) => {
        /// Every code the gate itself can emit (Rego rules add `package.rule`
        /// codes of their own). A misspelled code does not compile; a unit
        /// test keeps each documented in docs/findings.md.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        pub enum Code {
            $($(#[$doc])* #[serde(rename = $text)] $variant,)*
        }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The stable kebab-case text scripts and audit queries match.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $text,)*
                }
            }
        }
    };
}

codes! {
    ForcePush => "force-push",
    DeleteForbidden => "delete-forbidden",
    ImmutableTag => "immutable-tag",
    MergeCommit => "merge-commit",
    PusherUnknown => "pusher-unknown",
    PusherNotAllowed => "pusher-not-allowed",
    Unsigned => "unsigned",
    BadSignature => "bad-signature",
    UnknownKey => "unknown-key",
    ExpiredKey => "expired-key",
    RevokedKey => "revoked-key",
    SignerNotAllowed => "signer-not-allowed",
    LightweightTag => "lightweight-tag",
    TagNameMismatch => "tag-name-mismatch",
    TagNotCommit => "tag-not-commit",
    ReplaceRef => "replace-ref",
    ManifestInvalid => "manifest-invalid",
    ManifestTooComplex => "manifest-too-complex",
    ManifestAmbiguous => "manifest-ambiguous",
    ManifestSymlink => "manifest-symlink",
    ManifestSubmodule => "manifest-submodule",
    ManifestCheckoutFilter => "manifest-checkout-filter",
    PathNotUtf8 => "path-not-utf8",
    ManifestTooLarge => "manifest-too-large",
    ManifestNotText => "manifest-not-text",
    TooManyCommits => "too-many-commits",
    TooManyFiles => "too-many-files",
    ManifestsOverBudget => "manifests-over-budget",
    TooManyDocuments => "too-many-documents",
    ObjectTooLarge => "object-too-large",
    GateTimeout => "gate-timeout",
    GateError => "gate-error",
    ConfigBroken => "config-broken",
    PolicyError => "policy-error",
    PolicyTimeout => "policy-timeout",
    ApprovalInvalid => "approval-invalid",
    ApprovalsMissing => "approvals-missing",
    PathSignerNotAllowed => "path-signer-not-allowed",
    NotPromoted => "not-promoted",
    RenderFailed => "render-failed",
    SchemaInvalid => "schema-invalid",
    SchemaUnknownField => "schema-unknown-field",
    SchemaUnknownKind => "schema-unknown-kind",
    SchemaCrdInvalid => "schema-crd-invalid",
    SecretsOverBudget => "secrets-over-budget",
    ExceptionExpired => "exception-expired",
    BreakGlassRefused => "break-glass-refused",
}

impl Code {
    pub const fn category(self) -> Category {
        use Code::*;
        match self {
            ForcePush | DeleteForbidden | ImmutableTag | MergeCommit | PusherUnknown
            | PusherNotAllowed | ReplaceRef => Category::Protection,
            Unsigned | BadSignature | UnknownKey | ExpiredKey | RevokedKey | SignerNotAllowed
            | LightweightTag | TagNameMismatch | TagNotCommit | PathSignerNotAllowed => {
                Category::Signatures
            }
            ApprovalInvalid | ApprovalsMissing => Category::Approvals,
            NotPromoted => Category::Promotion,
            ManifestInvalid
            | ManifestTooComplex
            | ManifestAmbiguous
            | ManifestSymlink
            | ManifestSubmodule
            | ManifestCheckoutFilter
            | PathNotUtf8
            | ManifestTooLarge
            | ManifestNotText
            | RenderFailed
            | SchemaInvalid
            | SchemaUnknownField
            | SchemaUnknownKind
            | SchemaCrdInvalid => Category::Manifests,
            TooManyCommits | TooManyFiles | ManifestsOverBudget | TooManyDocuments
            | ObjectTooLarge | GateTimeout | SecretsOverBudget => Category::Limits,
            GateError | ConfigBroken => Category::Gate,
            PolicyError | PolicyTimeout => Category::Policies,
            ExceptionExpired | BreakGlassRefused => Category::Rollout,
        }
    }
}

impl From<Code> for Cow<'static, str> {
    fn from(code: Code) -> Self {
        Cow::Borrowed(code.as_str())
    }
}

/// So tests and callers compare a finding's `rule` with a typed code.
impl PartialEq<Code> for Cow<'_, str> {
    fn eq(&self, code: &Code) -> bool {
        self.as_ref() == code.as_str()
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::Code;

    #[test]
    fn codes_are_unique_and_documented() {
        let docs = include_str!("../docs/findings.md");
        let mut seen = std::collections::BTreeSet::new();
        for code in Code::ALL.iter().map(|c| c.as_str()) {
            assert!(seen.insert(code), "duplicate code {code}");
            assert!(
                docs.contains(&format!("## `{code}`")),
                "docs/findings.md has no heading for {code}"
            );
        }
    }
}
