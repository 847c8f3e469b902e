//! `asegpu-sim`: the Azure Stack Edge GPU device emulator (see `asegpu::sim`).
fn main() -> std::process::ExitCode {
    asegpu::sim::cli::main()
}
