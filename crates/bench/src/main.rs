//! `xietong-bench <scenario>`: the benchmark program.
fn main() {
    eprintln!("usage: xietong-bench <scenario>");
    std::process::exit(2);
}
