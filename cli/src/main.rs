//! `unleashed-sign`: signed headers and curl commands for the Unleashed API, and an explanation for a 403, from a
//! URL or from captured traffic.

mod args;
mod capture;
mod commands;
mod credentials;
mod diagnose;
mod manual;
mod shell;
mod target;
mod traffic;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;
use zeroize::Zeroizing;

use args::{Cli, Command};

/// Exit code for a signature that does not match.
const MISMATCH: u8 = 1;
/// Exit code for a usage or input error.
const USAGE: u8 = 2;

fn main() -> ExitCode {
    // A key pasted into an argument would be printed back (as a URL or a parameter) and is in `ps` already.
    if let Some(key) = env_key()
        && std::env::args_os().any(|arg| arg.to_string_lossy().contains(key.as_str()))
    {
        return fail(&format!(
            "an argument holds the API key from {}: the key is never given on the command line; \
             give only the URL and parameters",
            credentials::API_KEY_VAR
        ));
    }
    let mut cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_error(&e),
    };
    if let Some(key) = cli.global.key_on_command_line.take() {
        key.map(Zeroizing::new);
        return fail(&format!(
            "the API key is never taken on the command line (it would show in `ps` and shell history): \
             export {} or pass --key-file PATH (--key-file - reads stdin)",
            credentials::API_KEY_VAR
        ));
    }
    let result = match &cli.command {
        Command::Headers(args) => commands::headers(&cli.global, args),
        Command::Curl(args) => commands::curl(&cli.global, args),
        Command::Build(args) => commands::build(&cli.global, args),
        Command::Verify(args) => commands::verify(&cli.global, args),
        Command::Completions(args) => Ok(commands::Outcome::ok(manual::completions(args.shell))),
        Command::Man(args) => match &args.dir {
            Some(dir) => manual::write_man_pages(dir).map(commands::Outcome::ok),
            None => Ok(commands::Outcome::ok(manual::man_page())),
        },
    };
    match result {
        Ok(outcome) => {
            let mut stdout = std::io::stdout().lock();
            if stdout.write_all(outcome.stdout.as_bytes()).and_then(|()| stdout.flush()).is_err() {
                return ExitCode::from(USAGE);
            }
            if outcome.matched { ExitCode::SUCCESS } else { ExitCode::from(MISMATCH) }
        }
        Err(message) => fail(&message),
    }
}

/// One line on stderr, exit code 2.
///
/// No message is built from the key, but one can quote an argument a user mistyped the key into: as a last
/// guard, the key from the environment is blanked out of whatever is printed.
fn fail(message: &str) -> ExitCode {
    let mut message = message.to_owned();
    if let Some(key) = env_key().filter(|key| message.contains(key.as_str())) {
        message = message.replace(key.as_str(), "<the API key>");
    }
    eprintln!("unleashed-sign: error: {message}");
    ExitCode::from(USAGE)
}

/// The key in the environment, when it is long enough to look for in other text.
fn env_key() -> Option<Zeroizing<String>> {
    std::env::var(credentials::API_KEY_VAR).ok().map(Zeroizing::new).filter(|key| key.len() >= 8)
}

/// Help and version go to stdout with exit code 0; a usage error becomes one line on stderr with exit code 2.
fn clap_error(e: &clap::Error) -> ExitCode {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            print!("{}", e.render());
            ExitCode::SUCCESS
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            eprint!("{}", e.render());
            ExitCode::from(USAGE)
        }
        _ => {
            // The first paragraph is the error itself (with any missing argument names); usage and tips follow.
            let rendered = e.render().to_string();
            let first: Vec<&str> = rendered.lines().map(str::trim).take_while(|line| !line.is_empty()).collect();
            fail(&format!("{} (see --help)", first.join(" ").trim_start_matches("error: ")))
        }
    }
}
