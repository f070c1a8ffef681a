fn main() -> std::process::ExitCode {
    pushgate::cli::main()
}
