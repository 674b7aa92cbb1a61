//! fireplan command line: parses arguments, calls the library, prints. See `cli/`.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
