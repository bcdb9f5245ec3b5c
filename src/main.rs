//! The parity binary: the example's registry (`parity_cli::registry`, in the library so that
//! `parity fuzz` can call it in-process too), handed over to the parity library.

fn main() -> std::process::ExitCode {
    parity::main(parity_cli::registry())
}
