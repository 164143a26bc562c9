//! With the `embed-ui` feature, embeds every file of `web/dist` into the binary.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn main() {
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("ui_assets.rs");
    let mut code = String::from("&[\n");
    if std::env::var_os("CARGO_FEATURE_EMBED_UI").is_some() {
        let dist =
            PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("../../web/dist");
        let dist = dist.canonicalize().unwrap_or_else(|_| {
            panic!(
                "embed-ui: {} is missing; run `npm run build` in web/ first",
                dist.display()
            )
        });
        println!("cargo:rerun-if-changed={}", dist.display());
        let mut files = Vec::new();
        walk(&dist, &mut files);
        files.sort();
        assert!(
            files.iter().any(|f| f.ends_with("index.html")),
            "embed-ui: web/dist has no index.html"
        );
        for f in files {
            println!("cargo:rerun-if-changed={}", f.display());
            let route = format!(
                "/{}",
                f.strip_prefix(&dist)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            );
            writeln!(
                code,
                "    ({route:?}, include_bytes!({:?}) as &[u8]),",
                f.display().to_string()
            )
            .unwrap();
        }
    }
    code.push_str("]\n");
    std::fs::write(out, code).unwrap();
    println!("cargo:rerun-if-env-changed=CARGO_FEATURE_EMBED_UI");
}
