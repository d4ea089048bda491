fn main() -> std::process::ExitCode {
    splforge::cli::main()
}
