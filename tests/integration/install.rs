//! `pushgate install`: hooks, git config, idempotence, foreign hooks, and
//! configs that must not be installed.

use crate::protection::CONFIG;
use crate::support::*;

#[test]
fn install_writes_hooks_and_git_config_and_is_idempotent() {
    let w = World::new();
    let server = w.server(CONFIG);
    let hook = std::fs::read_to_string(server.join("hooks/pre-receive")).unwrap();
    assert!(hook.contains("# pushgate: managed hook."));
    let exe = std::fs::canonicalize(pushgate_bin()).unwrap();
    assert!(
        hook.starts_with(&format!("#!{} hook-file\n", exe.display())),
        "{hook}"
    );
    assert!(server.join("hooks/post-receive").exists());
    assert_eq!(
        w.git_ok(&server, &["config", "pushgate.config"]),
        server.join("pushgate.yaml").to_str().unwrap()
    );
    assert_eq!(
        w.git_ok(&server, &["config", "receive.advertisePushOptions"]),
        "true"
    );

    let again = w.pushgate(w.dir.path(), &["install", server.to_str().unwrap()]);
    again
        .assert_ok()
        .assert_says("hooks/pre-receive: already up to date");
    assert!(!again.stdout.contains(": written"), "{}", again.stdout);
}

#[test]
fn hooks_run_with_a_minimal_environment() {
    let w = World::new();
    crate::protection::seeded(&w);
    let server = w.path("server.git");
    // git may run hooks with a bare environment: no PATH, no HOME.
    let work = w.path("work");
    w.commit(&work, "m", "m", "minimal");
    let new = w.git_ok(&work, &["rev-parse", "HEAD"]);
    let old = w.server_ref("refs/heads/main").unwrap();
    w.push(&work, Some("alice"), &["origin", "HEAD:refs/heads/scratch"])
        .assert_ok();
    // Executed as git does it: the file itself, not through a shell.
    let out = std::process::Command::new(server.join("hooks/pre-receive"))
        .current_dir(&server)
        .env_clear()
        .env("GIT_DIR", ".")
        .env("PUSHGATE_PUSHER", "alice")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin
                .take()
                .unwrap()
                .write_all(format!("{old} {new} refs/heads/main\n").as_bytes())?;
            c.wait_with_output()
        })
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("pushgate: refs/heads/main"),
        "the hook did not run pushgate: {stderr}"
    );
}

#[test]
fn a_binary_path_with_spaces_gets_a_shell_hook_that_works() {
    let w = World::new();
    let dir = w.path("my tools");
    std::fs::create_dir_all(&dir).unwrap();
    let exe = dir.join("pushgate");
    std::fs::copy(pushgate_bin(), &exe).unwrap();
    let server = w.path("server.git");
    w.git_ok(
        w.dir.path(),
        &["init", "-q", "--bare", server.to_str().unwrap()],
    );
    std::fs::write(server.join("pushgate.yaml"), CONFIG).unwrap();
    let out = w
        .cmd(exe.to_str().unwrap(), w.dir.path())
        .args(["install", server.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let hook = std::fs::read_to_string(server.join("hooks/pre-receive")).unwrap();
    assert!(hook.starts_with("#!/bin/sh\n"), "{hook}");
    let work = w.clone("work");
    w.commit(&work, "a", "a", "a");
    w.push(&work, Some("mallory"), &["origin", "main"])
        .assert_rejected()
        .assert_says("pusher-not-allowed");
    w.push(&work, Some("alice"), &["origin", "main"])
        .assert_ok();
}

#[test]
fn install_refuses_foreign_hooks_without_force() {
    let w = World::new();
    let server = w.path("server.git");
    w.git_ok(
        w.dir.path(),
        &["init", "-q", "--bare", server.to_str().unwrap()],
    );
    std::fs::write(server.join("pushgate.yaml"), CONFIG).unwrap();
    std::fs::write(server.join("hooks/pre-receive"), "#!/bin/sh\necho mine\n").unwrap();
    w.pushgate(w.dir.path(), &["install", server.to_str().unwrap()])
        .assert_rejected()
        .assert_says("was not written by pushgate; rerun with --force");
    assert_eq!(
        std::fs::read_to_string(server.join("hooks/pre-receive")).unwrap(),
        "#!/bin/sh\necho mine\n"
    );
    assert!(
        !server.join("hooks/post-receive").exists(),
        "a refusal must change nothing"
    );

    w.pushgate(
        w.dir.path(),
        &["install", server.to_str().unwrap(), "--force"],
    )
    .assert_ok()
    .assert_says("kept the previous hook as hooks/pre-receive.pushgate-old");
    assert_eq!(
        std::fs::read_to_string(server.join("hooks/pre-receive.pushgate-old")).unwrap(),
        "#!/bin/sh\necho mine\n"
    );
}

#[test]
fn install_validates_the_config_first() {
    let w = World::new();
    let server = w.path("server.git");
    w.git_ok(
        w.dir.path(),
        &["init", "-q", "--bare", server.to_str().unwrap()],
    );
    std::fs::write(
        server.join("pushgate.yaml"),
        "version: 1\nrefs:\n  - match: refs/heads/main\n    alow_delete: false\n",
    )
    .unwrap();
    let r = w.pushgate(w.dir.path(), &["install", server.to_str().unwrap()]);
    assert_eq!(r.status, 2);
    r.assert_says("pushgate.yaml:4: unknown field `alow_delete`");
    assert!(!server.join("hooks/pre-receive").exists());
}

#[test]
fn switching_to_update_hooks_removes_our_pre_receive() {
    let w = World::new();
    let server = w.server(CONFIG);
    w.pushgate(
        w.dir.path(),
        &[
            "install",
            server.to_str().unwrap(),
            "--hooks",
            "update,post-receive",
        ],
    )
    .assert_ok()
    .assert_says("hooks/pre-receive: removed");
    assert!(server.join("hooks/update").exists());
    assert!(!server.join("hooks/pre-receive").exists());
}

#[test]
fn install_all_finds_every_bare_repository() {
    let w = World::new();
    let fleet = w.path("fleet");
    for name in ["a.git", "team/b.git"] {
        let p = fleet.join(name);
        w.git_ok(w.dir.path(), &["init", "-q", "--bare", p.to_str().unwrap()]);
    }
    let cfg = w.path("shared.yaml");
    std::fs::write(&cfg, CONFIG).unwrap();
    w.pushgate(
        w.dir.path(),
        &[
            "install",
            "--all",
            fleet.to_str().unwrap(),
            "--config",
            cfg.to_str().unwrap(),
        ],
    )
    .assert_ok();
    assert!(fleet.join("a.git/hooks/pre-receive").exists());
    assert!(fleet.join("team/b.git/hooks/pre-receive").exists());
}

#[test]
fn unknown_forges_are_a_usage_error() {
    let w = World::new();
    let server = w.path("server.git");
    w.git_ok(
        w.dir.path(),
        &["init", "-q", "--bare", server.to_str().unwrap()],
    );
    std::fs::write(server.join("pushgate.yaml"), CONFIG).unwrap();
    let r = w.pushgate(
        w.dir.path(),
        &["install", server.to_str().unwrap(), "--forge", "bitbucket"],
    );
    assert_eq!(r.status, 2);
    r.assert_says("bitbucket");
}
