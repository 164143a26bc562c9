fn main() -> std::process::ExitCode {
    xietong_server::cli::main()
}
