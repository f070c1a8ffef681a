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
    /// A Rego rule's object value, kept whole (conftest's metadata).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<serde_json::Value>,
}

impl Finding {
    pub fn new(rule: &'static str, message: impl Into<String>, help: impl Into<String>) -> Self {
        Finding::new_owned(Cow::Borrowed(rule), message, help)
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
            column: None,
            document: None,
            metadata: None,
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

/// Every code the gate can emit; a unit test keeps them unique and documented.
pub const CODES: &[&str] = &[
    "force-push",
    "delete-forbidden",
    "immutable-tag",
    "merge-commit",
    "pusher-unknown",
    "pusher-not-allowed",
    "unsigned",
    "bad-signature",
    "unknown-key",
    "expired-key",
    "revoked-key",
    "signer-not-allowed",
    "lightweight-tag",
    "tag-name-mismatch",
    "tag-not-commit",
    "replace-ref",
    "manifest-invalid",
    "manifest-too-complex",
    "manifest-ambiguous",
    "manifest-symlink",
    "manifest-submodule",
    "manifest-checkout-filter",
    "path-not-utf8",
    "manifest-too-large",
    "manifest-not-text",
    "too-many-commits",
    "too-many-files",
    "manifests-over-budget",
    "too-many-documents",
    "object-too-large",
    "gate-timeout",
    "gate-error",
];

#[cfg(test)]
mod tests {
    use super::CODES;

    #[test]
    fn codes_are_unique_and_documented() {
        let docs = include_str!("../docs/findings.md");
        let mut seen = std::collections::BTreeSet::new();
        for code in CODES {
            assert!(seen.insert(code), "duplicate code {code}");
            assert!(
                docs.contains(&format!("## `{code}`")),
                "docs/findings.md has no heading for {code}"
            );
        }
    }
}
