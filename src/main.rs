//! The parity binary: registers the example's Rust ports, the careful one (`billing`) and the
//! naive one (`billing_naive`, under `naive_` names), and hands over to the parity library.

fn main() -> std::process::ExitCode {
    let registry = billing_naive::register(billing::register(parity::Registry::new()));
    parity::main(registry)
}
