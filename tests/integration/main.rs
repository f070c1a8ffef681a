//! Integration tests: real bare repositories, the real `git` binary running
//! the installed hooks, and pushgate deciding. One test binary, so the build
//! is shared.

mod support;

mod apply;
mod approvals;
mod audit;
mod baseline;
mod bounds;
mod check;
mod cli_conventions;
mod conftest_compat;
mod crash;
mod demo;
mod environments;
mod forges;
mod gpg_parity;
mod hostile;
mod install;
mod keys;
mod kube_parity;
mod kube_schemas;
mod load;
mod manifest_attacks;
mod policies;
mod protection;
mod rego_parity;
mod render;
mod rollout;
mod schemas;
mod secrets;
mod secrets_parity;
mod signatures;
mod snapshots;
