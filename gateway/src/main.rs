//! `unleashed-gateway`: reads the configuration and credentials, refuses an unsafe start (exit 2, saying why),
//! listens, prints `listening on http://ADDR` as its first line on stdout, and serves until SIGTERM or Ctrl-C.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;
use tokio::net::TcpListener;
use unleashed_signer_gateway::args::Args;
use unleashed_signer_gateway::credentials::Credentials;
use unleashed_signer_gateway::{Config, Gateway, serve};

/// Exit code for a refused start: bad flags, unsafe settings, missing credentials.
const USAGE: u8 = 2;
/// Exit code for a failure after the checks (the address is taken, ...).
const FAILURE: u8 = 1;

fn main() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => {
            print!("{}", e.render());
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprint!("{}", e.render());
            return ExitCode::from(USAGE);
        }
    };
    let config = match Config::from_args(&args) {
        Ok(config) => config,
        Err(e) => return fail(USAGE, &e.to_string()),
    };
    let credentials = match Credentials::load(args.key_file.as_deref()) {
        Ok(credentials) => credentials,
        Err(e) => return fail(USAGE, &e),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => return fail(FAILURE, &format!("cannot start the runtime: {e}")),
    };
    runtime.block_on(async move {
        let listen = config.listen;
        let listener = match TcpListener::bind(listen).await {
            Ok(listener) => listener,
            Err(e) => return fail(FAILURE, &format!("cannot listen on {listen}: {e}")),
        };
        let address = listener.local_addr().unwrap_or(listen);
        let upstream = config.upstream.base();
        let gateway = match Gateway::new(config, credentials) {
            Ok(gateway) => gateway,
            Err(e) => return fail(FAILURE, &format!("cannot set up TLS: {e}")),
        };
        let mut stdout = std::io::stdout().lock();
        if writeln!(stdout, "listening on http://{address}").and_then(|()| stdout.flush()).is_err() {
            return ExitCode::from(FAILURE);
        }
        drop(stdout);
        eprintln!("unleashed-gateway: forwarding to {upstream}");
        serve(gateway, listener, shutdown_signal()).await;
        eprintln!("unleashed-gateway: stopped");
        ExitCode::SUCCESS
    })
}

fn fail(code: u8, message: &str) -> ExitCode {
    eprintln!("unleashed-gateway: error: {message}");
    ExitCode::from(code)
}

/// Completes on Ctrl-C or, on Unix, SIGTERM (what systemd and docker send).
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
