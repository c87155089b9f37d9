//! The READMEs' `unleashed-sign` examples (the root README's first command, then cli/README.md's), run as written:
//! each `sh` block must print its `text` block.
//!
//! `cargo run -q -p unleashed-signer-cli --` in a block is run as the already built binary, so the test does not
//! call cargo from inside cargo. Blocks run in the repository's root, as a reader of the README would run them.
//! The install commands for completions and man pages are run too, into a scratch home directory.

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
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    // The first command is the root README's; the rest are the tool's own README's.
    let readmes = ["README.md", "cli/README.md"]
        .map(|file| std::fs::read_to_string(root.join(file)).unwrap_or_else(|e| panic!("{file}: {e}")));
    let binary = cargo_bin!("unleashed-sign");
    let path = format!("{}:{}", binary.parent().unwrap().display(), std::env::var("PATH").unwrap_or_default());

    let blocks: Vec<_> = readmes.iter().flat_map(|readme| fenced_blocks(readme)).collect();
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
            .current_dir(&root)
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
    // The first command, the 403 debugging example, the capture example and the build example.
    assert!(checked >= 4, "only {checked} README examples found");
}

#[test]
fn the_documented_commands_install_completions_and_man_pages() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = std::fs::read_to_string(root.join("cli/README.md")).expect("cli/README.md");
    let (_, script) = fenced_blocks(&readme)
        .into_iter()
        .find(|(info, script)| info == "sh" && script.contains("unleashed-sign completions bash"))
        .expect("a README block installs the completions");
    let home = std::env::temp_dir().join(format!("unleashed-sign-home-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(&home).unwrap();
    let binary = cargo_bin!("unleashed-sign");
    let path = format!("{}:{}", binary.parent().unwrap().display(), std::env::var("PATH").unwrap_or_default());
    let sh = |script: &str| {
        let output = Command::new("sh").arg("-c").arg(script).env("HOME", &home).env("PATH", &path).output().unwrap();
        assert!(output.status.success(), "{script}\n{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).unwrap()
    };
    sh(&script);

    // bash: the installed script completes a command's options (for `unleashed-sign verify --cu<TAB>`).
    let bash = home.join(".local/share/bash-completion/completions/unleashed-sign");
    let completed = Command::new("bash")
        .arg("-c")
        .arg(
            "source \"$1\"; COMP_WORDS=(unleashed-sign verify --cu); COMP_CWORD=2; \
             _unleashed__sign unleashed-sign --cu verify; printf '%s\\n' \"${COMPREPLY[@]}\"",
        )
        .arg("bash")
        .arg(&bash)
        .output()
        .expect("bash runs");
    assert_eq!(String::from_utf8(completed.stdout).unwrap(), "--curl-trace\n", "{}", bash.display());

    let read = |relative: &str| {
        std::fs::read_to_string(home.join(relative)).unwrap_or_else(|e| panic!("{relative} was not installed: {e}"))
    };
    assert!(read(".zfunc/_unleashed-sign").starts_with("#compdef unleashed-sign"));
    assert!(read(".config/fish/completions/unleashed-sign.fish").contains("complete -c unleashed-sign"));
    for (page, option) in [("unleashed-sign", "\\-\\-key\\-file"), ("unleashed-sign-verify", "\\-\\-curl\\-trace")] {
        let roff = read(&format!(".local/share/man/man1/{page}.1"));
        assert!(roff.contains(&format!(".TH {page} 1")), "{page}");
        assert!(roff.contains(option), "{page} documents {option}");
    }

    // PowerShell is given inline: `unleashed-sign completions powershell >> $PROFILE`.
    let line = "unleashed-sign completions powershell >> $PROFILE";
    assert!(readme.contains(&format!("`{line}`")), "the README gives the PowerShell line");
    let script = sh(line.split(" >>").next().unwrap());
    assert!(script.contains("Register-ArgumentCompleter -Native -CommandName 'unleashed-sign'"));
    std::fs::remove_dir_all(&home).unwrap();
}
