//! `asegpu`: the command line (see `asegpu::cli`).
fn main() -> std::process::ExitCode {
    asegpu::cli::main()
}
