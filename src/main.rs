/// Policy evaluation allocates heavily on every core; glibc's allocator
/// spent a third of the time of a 10,000-document push in malloc/free.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    pushgate::cli::main()
}
