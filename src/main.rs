//! `asegpu`: the command line (see `asegpu_cli::cli`).
fn main() -> std::process::ExitCode {
    asegpu_cli::cli::main()
}
