//! `xietong-bench <scenario> [flags]`: Xietong's benchmark program. Each scenario prints one JSON
//! line; scenarios live in `scenarios/`, one module each.

mod client;
mod peers;
mod report;
mod scenarios;
mod scratch;
mod workload;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(name) = args.first() else {
        eprintln!(
            "usage: xietong-bench <scenario> [flags]\nscenarios: {}",
            scenarios::NAMES.join(", ")
        );
        return ExitCode::from(2);
    };
    match scenarios::run(name, &args[1..]) {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("xietong-bench {name}: {e:#}");
            ExitCode::FAILURE
        }
    }
}
