//! The built-in rules: what pushgate finds with no rule pack. Each is a
//! regular expression whose secret is group 1 (or the whole match), with an
//! entropy floor that tells a placeholder (`changeme`) from a credential.

/// One built-in rule: a stable id (the finding code is `secret.<id>`),
/// what it finds, and its expression (the secret is group 1, or the whole
/// match).
pub(super) struct Builtin {
    pub id: &'static str,
    pub what: &'static str,
    pub pattern: &'static str,
    /// Values below this many bits of Shannon entropy per character are
    /// placeholders (`changeme`, `xxxxxxxx`), not secrets.
    pub min_entropy: f64,
    /// Lower case; every match contains one (without regard to case), so
    /// a text with none is not searched (a unit test holds each rule to
    /// it on the corpus).
    pub keywords: &'static [&'static str],
    /// Values of this shape are not secrets (Go syntax).
    pub skip: Option<&'static str>,
}

/// Rules whose matches start with a fixed, public prefix (`AKIA`, `ghp_`):
/// the preview may show it. Any other value is shown as stars only.
pub(super) const PUBLIC_PREFIX: &[&str] = &[
    "aws-access-key-id",
    "github-token",
    "gitlab-token",
    "slack-token",
    "stripe-key",
    "google-api-key",
    "npm-token",
    "pypi-token",
    "jwt",
    "private-key",
];

pub(super) const RULES: &[Builtin] = &[
    Builtin {
        id: "private-key",
        keywords: &["private key"],
        what: "a private key",
        pattern: r"-----BEGIN ((?:RSA |DSA |EC |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?)-----",
        min_entropy: 0.0,
        skip: None,
    },
    Builtin {
        id: "aws-access-key-id",
        keywords: &["akia", "asia", "abia", "acca"],
        what: "an AWS access key id",
        pattern: r"\b((?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16})\b",
        min_entropy: 2.5,
        skip: None,
    },
    Builtin {
        id: "aws-secret-access-key",
        keywords: &["aws"],
        what: "an AWS secret access key",
        pattern: r#"(?i)aws_?secret_?access_?key["']?\s*[=:]\s*["']?([A-Za-z0-9/+=]{40})\b"#,
        min_entropy: 3.5,
        skip: None,
    },
    Builtin {
        id: "github-token",
        keywords: &["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"],
        what: "a GitHub token",
        pattern: r"\b(gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{82})\b",
        min_entropy: 3.0,
        skip: None,
    },
    Builtin {
        id: "gitlab-token",
        keywords: &["glpat-", "gldt-", "glrt-", "glptt-", "glft-", "glcbt-"],
        what: "a GitLab token",
        pattern: r"\b(gl(?:pat|dt|rt|ptt|ft|cbt)-[A-Za-z0-9_-]{20,})\b",
        min_entropy: 3.0,
        skip: None,
    },
    Builtin {
        id: "slack-token",
        keywords: &["xox"],
        what: "a Slack token",
        pattern: r"\b(xox[baprs]-[A-Za-z0-9-]{10,})\b",
        min_entropy: 3.0,
        skip: None,
    },
    Builtin {
        id: "stripe-key",
        keywords: &["sk_live_", "rk_live_"],
        what: "a Stripe secret key",
        pattern: r"\b((?:sk|rk)_live_[A-Za-z0-9]{20,})\b",
        min_entropy: 3.0,
        skip: None,
    },
    Builtin {
        id: "google-api-key",
        keywords: &["aiza"],
        what: "a Google API key",
        pattern: r"\b(AIza[0-9A-Za-z_-]{35})\b",
        min_entropy: 3.0,
        skip: None,
    },
    Builtin {
        id: "npm-token",
        keywords: &["npm_"],
        what: "an npm token",
        pattern: r"\b(npm_[A-Za-z0-9]{36})\b",
        min_entropy: 3.0,
        skip: None,
    },
    Builtin {
        id: "pypi-token",
        keywords: &["pypi-"],
        what: "a PyPI token",
        pattern: r"\b(pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,})\b",
        min_entropy: 3.0,
        skip: None,
    },
    Builtin {
        id: "azure-client-secret",
        keywords: &["q~"],
        what: "an Azure client secret",
        pattern: r"\b([a-zA-Z0-9_~.-]{3}\dQ~[a-zA-Z0-9_~.-]{31,34})\b",
        min_entropy: 3.0,
        skip: None,
    },
    Builtin {
        id: "jwt",
        keywords: &["eyj"],
        what: "a JSON Web Token",
        pattern: r"\b(eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,})",
        min_entropy: 3.0,
        skip: None,
    },
    Builtin {
        id: "env-assignment",
        keywords: &["password", "passwd", "secret", "token", "api_key", "apikey"],
        what: "a password or token assigned in plain text",
        pattern: r#"(?m)^[ \t]*(?:export[ \t]+)?[A-Z0-9_]*(?:PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY)[A-Z0-9_]*[ \t]*[=:][ \t]*["']?([^\s"'#$<]{8,})"#,
        min_entropy: 3.0,
        skip: None,
    },
    Builtin {
        // JSON keys and code: `"db_password": "…"`, `password="…"`. The
        // value quoted, the name ending in the word (so `secretName`,
        // `password_file`, `tokenSecretRef` — references, not values — are
        // not it), no `${…}` or `<…>`. It starts at the word, so the engine
        // looks for the words, not at every character.
        id: "quoted-assignment",
        keywords: &[
            "password",
            "passwd",
            "pwd",
            "passphrase",
            "secret",
            "token",
            "apikey",
            "api_key",
            "api-key",
            "access_key",
            "access-key",
            "accesskey",
        ],
        what: "a password or token assigned a quoted value",
        pattern: r#"(?i)(?:password|passwd|pwd|passphrase|secret|token|(?:api|secret|access)[_-]?key)["']?[ \t]*(?:=|:=|:|=>)[ \t]*["']([^"'\s]{8,})["']"#,
        // Placeholders (`${VAR}`, `{{ .Values.x }}`, `<secret>`) and
        // resource names (`basic-auth`, `my-db-credentials`: what
        // `existingSecret:`, `auth-secret:` name) are not values.
        skip: Some(r"^(?:\$\{|\{\{|<|%\()|^[a-z0-9]+(?:[.-][a-z0-9]+)+$"),
        min_entropy: 2.9,
    },
];

/// The table, compiled as a pack's rules are (Go's syntax: ASCII `\w`,
/// `\d`, `\s`, `\b`).
pub(super) fn rules() -> Result<Vec<super::Rule>, String> {
    RULES
        .iter()
        .map(|r| {
            Ok(super::Rule {
                id: r.id.to_owned(),
                what: r.what.to_owned(),
                regex: Some(
                    super::gitleaks::compile(r.pattern).map_err(|e| format!("{}: {e}", r.id))?,
                ),
                secret_group: 0,
                entropy: r.min_entropy,
                keywords: r.keywords.iter().map(|k| (*k).to_owned()).collect(),
                path: None,
                allowlists: Vec::new(),
                pack: None,
                public_prefix: PUBLIC_PREFIX.contains(&r.id),
                skip: r
                    .skip
                    .map(super::gitleaks::compile)
                    .transpose()
                    .map_err(|e| format!("{}: {e}", r.id))?,
            })
        })
        .collect()
}
