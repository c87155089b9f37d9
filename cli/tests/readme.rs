//! The README's `unleashed-sign` examples, run as written: each `sh` block must print its `text` block.
//!
//! `cargo run -q -p unleashed-signer-cli --` in a block is run as the already built binary, so the test does not
//! call cargo from inside cargo.

use std::path::Path;
use std::process::Command;

use assert_cmd::cargo::cargo_bin;

/// The fenced blocks of a Markdown text: (info string, contents).
fn fenced_blocks(markdown: &str) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    let mut open: Option<(String, Vec<&str>)> = None;
    for line in markdown.lines() {
        match (&mut open, line.strip_prefix("```")) {
            (None, Some(info)) => open = Some((info.trim().to_owned(), Vec::new())),
            (Some(_), Some("")) => {
                let (info, lines) = open.take().expect("open");
                blocks.push((info, lines.join("\n")));
            }
            (Some((_, lines)), _) => lines.push(line),
            (None, None) => {}
        }
    }
    blocks
}

#[test]
fn the_readme_examples_print_what_the_readme_shows() {
    let readme_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md");
    let readme = std::fs::read_to_string(&readme_path).expect("README.md");
    let binary = cargo_bin!("unleashed-sign");
    let path = format!("{}:{}", binary.parent().unwrap().display(), std::env::var("PATH").unwrap_or_default());

    let blocks = fenced_blocks(&readme);
    let mut checked = 0;
    for pair in blocks.windows(2) {
        let [(info, script), (next_info, expected)] = pair else { unreachable!() };
        // The command as a word: other runtimes' blocks name `unleashed-signer` packages and jars.
        let runs_the_tool = script.split_whitespace().any(|word| word == "unleashed-sign")
            || script.contains("cargo run -q -p unleashed-signer-cli --");
        if info != "sh" || next_info != "text" || !runs_the_tool {
            continue;
        }
        let script = script.replace("cargo run -q -p unleashed-signer-cli --", "unleashed-sign");
        let output = Command::new("sh")
            .arg("-c")
            .arg(&script)
            .env("PATH", &path)
            .env_remove("UNLEASHED_API_ID")
            .env_remove("UNLEASHED_API_KEY")
            .env_remove("UNLEASHED_CLIENT_TYPE")
            .output()
            .expect("sh runs");
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert_eq!(
            stdout,
            format!("{expected}\n"),
            "README block:\n{script}\nstderr: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        checked += 1;
    }
    // The first command, the 403 debugging example and the build example.
    assert!(checked >= 3, "only {checked} README examples found");
}
