//! Stage: the policy sets gating a ref, over its manifests (conftest's
//! per-document rules, in batches on every core) and over the whole update
//! (the push-level namespace and its input).

use anyhow::Result;

use super::LoadedSet;
use crate::deadline::Deadline;
use crate::finding::Finding;
use crate::manifest::Document;

/// A policy that failed to evaluate on something pushed (an error in the
/// policy, or its time limit): the push is rejected as `policy-error` or
/// `policy-timeout`, naming the file, with the policy's own error kept for
/// operators.
#[derive(Debug)]
pub struct PolicyFailed {
    pub namespace: String,
    /// The pushed file (None: the push-level input, or a whole batch).
    pub path: Option<String>,
    pub document: Option<usize>,
    pub timed_out: bool,
    pub detail: String,
}

impl std::fmt::Display for PolicyFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "policy {}", self.namespace)?;
        if let Some(p) = &self.path {
            write!(f, " on {p} (document {})", self.document.unwrap_or(0))?;
        }
        write!(f, ": {}", self.detail)
    }
}

impl std::error::Error for PolicyFailed {}

impl PolicyFailed {
    fn error(ns: &str, at: Option<&Document>, e: &anyhow::Error) -> anyhow::Error {
        let eval = e
            .chain()
            .find_map(|c| c.downcast_ref::<crate::policy::EvalError>());
        anyhow::Error::new(PolicyFailed {
            namespace: ns.to_owned(),
            path: at.map(|d| d.path.clone()),
            document: at.map(|d| d.index),
            timed_out: eval.is_some_and(|x| x.timed_out),
            detail: eval.map_or_else(|| format!("{e:#}"), |x| x.message.clone()),
        })
    }
}

/// The push-level namespace of a policy set over the update's input
/// ([`super::push_input::PushInput`], as a value).
pub(super) fn on_push(
    set: &LoadedSet,
    ns: &str,
    input: regorus::Value,
) -> Result<(Vec<Finding>, Vec<Finding>)> {
    let r = set
        .compiled(ns)?
        .evaluate_push(input)
        .map_err(|e| PolicyFailed::error(ns, None, &e))?;
    Ok((r.failures, r.warnings))
}

/// One manifest namespace of a policy set over every document: (failures,
/// warnings), located at their documents' lines.
pub(super) fn on_manifests(
    set: &LoadedSet,
    ns: &str,
    docs: &[Document],
    deadline: &Deadline,
) -> Result<(Vec<Finding>, Vec<Finding>)> {
    let compiled = set.compiled(ns)?;
    deadline.check()?;
    let inputs: Vec<regorus::Value> = docs
        .iter()
        .map(|d| regorus::Value::from(d.document.clone()))
        .collect();
    // All documents in parallel batches; on an error, once more one by one
    // to name the document that broke evaluation.
    let results = match compiled.evaluate_all(inputs) {
        Ok(r) => r,
        Err(e) => {
            for d in docs {
                deadline.check()?;
                if let Err(e) = compiled.evaluate(regorus::Value::from(d.document.clone())) {
                    return Err(PolicyFailed::error(ns, Some(d), &e));
                }
            }
            return Err(PolicyFailed::error(ns, None, &e));
        }
    };
    deadline.check()?;
    let (mut violations, mut warnings) = (Vec::new(), Vec::new());
    for (d, r) in docs.iter().zip(results) {
        let locate = |f| d.locate(f);
        violations.extend(r.failures.into_iter().map(locate));
        warnings.extend(r.warnings.into_iter().map(locate));
    }
    Ok((violations, warnings))
}
