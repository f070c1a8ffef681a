fn main() -> std::process::ExitCode {
    // regorus signals "undefined" with errors, and anyhow captures a
    // backtrace for each when RUST_BACKTRACE is set (a git server's
    // environment may carry it): 15% of a policy evaluation under perf.
    // Errors pushgate reports never print backtraces, so library
    // backtraces are off unless asked for by name.
    if std::env::var_os(pushgate::env::RUST_LIB_BACKTRACE).is_none() {
        // SAFETY: first statement of main, before any thread exists.
        unsafe { std::env::set_var(pushgate::env::RUST_LIB_BACKTRACE, "0") };
    }
    pushgate::cli::main()
}
