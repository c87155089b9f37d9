//! `unleashed-sign`: signed headers and curl commands for the Unleashed API, and an explanation for a 403.

mod args;
mod commands;
mod credentials;
mod diagnose;
mod shell;
mod target;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;

use args::{Cli, Command};

/// Exit code for a signature that does not match.
const MISMATCH: u8 = 1;
/// Exit code for a usage or input error.
const USAGE: u8 = 2;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_error(&e),
    };
    if cli.global.key_on_command_line.is_some() {
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
fn fail(message: &str) -> ExitCode {
    eprintln!("unleashed-sign: error: {message}");
    ExitCode::from(USAGE)
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
