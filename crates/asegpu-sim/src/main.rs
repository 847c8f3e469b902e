//! `asegpu-sim`: the Azure Stack Edge GPU device emulator (see the `asegpu_sim` library).
fn main() -> std::process::ExitCode {
    asegpu_sim::cli::main()
}
