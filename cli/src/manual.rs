//! Shell completion scripts and the man page, generated from the command line's own definition.

use std::path::Path;

use clap::CommandFactory;
use clap_complete::Shell;

use crate::args::{Cli, CompletionShell};

/// The completion script for `shell`.
pub fn completions(shell: CompletionShell) -> String {
    let shell = match shell {
        CompletionShell::Bash => Shell::Bash,
        CompletionShell::Zsh => Shell::Zsh,
        CompletionShell::Fish => Shell::Fish,
        CompletionShell::Powershell => Shell::PowerShell,
    };
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "unleashed-sign", &mut out);
    let script = String::from_utf8(out).expect("clap_complete writes UTF-8");
    match shell {
        // clap_complete's bash script names each command's state `unleashed__sign__subcmd__verify` in its loop but
        // matches `unleashed__subcmd__sign__subcmd__verify`, so no command's options complete for a name with a
        // hyphen (clap-rs/clap#6421, open). Spelling the arms as the loop does fixes it; a fixed clap leaves
        // nothing to replace.
        Shell::Bash => script.replace("unleashed__subcmd__sign", "unleashed__sign"),
        _ => script,
    }
}

/// The man page of `unleashed-sign` (section 1, roff), listing the commands.
pub fn man_page() -> String {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut out).expect("writing to memory");
    String::from_utf8(out).expect("clap_mangen writes UTF-8")
}

/// Writes `unleashed-sign.1` and a page for each command (`unleashed-sign-verify.1`, ...) into `dir`.
pub fn write_man_pages(dir: &Path) -> Result<String, String> {
    std::fs::create_dir_all(dir).and_then(|()| clap_mangen::generate_to(Cli::command(), dir)).map_err(|e| {
        format!("cannot write the man pages to '{}': {e}: give a directory you can write to", dir.display())
    })?;
    Ok(format!("wrote the man pages to {}\n", dir.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shell_gets_a_script_that_names_the_commands() {
        for shell in [CompletionShell::Bash, CompletionShell::Zsh, CompletionShell::Fish, CompletionShell::Powershell] {
            let script = completions(shell);
            for word in ["unleashed-sign", "verify", "curl-trace", "completions"] {
                assert!(script.contains(word), "{shell:?} lacks {word}");
            }
        }
        assert!(completions(CompletionShell::Zsh).starts_with("#compdef unleashed-sign"));
    }

    #[test]
    fn the_man_pages_cover_every_command() {
        let page = man_page();
        assert!(page.contains(".TH unleashed-sign 1"), "{page}");
        assert!(page.contains("unleashed\\-sign\\-verify(1)"), "{page}");
        let dir = std::env::temp_dir().join(format!("unleashed-sign-man-{}", std::process::id()));
        write_man_pages(&dir).unwrap();
        for name in ["unleashed-sign", "unleashed-sign-verify", "unleashed-sign-completions", "unleashed-sign-man"] {
            let page = std::fs::read_to_string(dir.join(format!("{name}.1"))).unwrap();
            assert!(page.contains(&format!(".TH {name} 1")), "{name}");
        }
        let verify = std::fs::read_to_string(dir.join("unleashed-sign-verify.1")).unwrap();
        assert!(verify.contains("curl\\-trace"), "options are in the page");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
