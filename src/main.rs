fn main() -> std::process::ExitCode {
    parity::main(parity::Registry::default())
}
