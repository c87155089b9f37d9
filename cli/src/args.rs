//! The command line: every command, option and help text, parsed by clap's derive API.

use std::path::PathBuf;

use clap::{ArgGroup, Args, Parser, Subcommand, ValueEnum};
use unleashed_signer::{MediaType, SignedForm};

const CREDENTIALS_HELP: &str = "\
Credentials come from the environment, never from the command line (a key there shows in `ps` and shell history):
  UNLEASHED_API_ID       the API id, a GUID from Unleashed's API Access page (or --api-id)
  UNLEASHED_API_KEY      the API key, 86 characters, used as text (or --key-file PATH, or --key-file - for stdin)
  UNLEASHED_CLIENT_TYPE  partner_or_account/app_name, e.g. acme/orderautomation (or --client-type)

Exit codes: 0 success, 1 signature mismatch (verify), 2 usage or input error.";

/// Prints signed headers and curl commands for the Unleashed API, and explains why a signature gets 403, from a
/// URL or from captured traffic.
#[derive(Debug, Parser)]
#[command(name = "unleashed-sign", version, after_help = CREDENTIALS_HELP)]
#[command(after_long_help = CREDENTIALS_HELP)]
pub struct Cli {
    /// Options every command takes.
    #[command(flatten)]
    pub global: Global,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct Global {
    /// Which bytes are signed: the percent-decoded query (decoded) or the query as sent (wire).
    #[arg(long, value_enum, global = true, value_name = "FORM", default_value_t = Form::from(SignedForm::default()))]
    pub signed_form: Form,

    /// Read the API key from this file instead of UNLEASHED_API_KEY; `-` reads it from stdin.
    /// One final newline is removed, with a note.
    #[arg(long, global = true, value_name = "PATH")]
    pub key_file: Option<PathBuf>,

    /// Never accepted: caught only to refuse a key on the command line without echoing it.
    #[arg(long = "key", alias = "api-key", global = true, hide = true, num_args = 0..=1, value_name = "KEY")]
    pub key_on_command_line: Option<Option<String>>,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the five request headers for a URL or path-and-query, one `name: value` per line.
    #[command(after_help = "\
Example:
  export UNLEASHED_API_ID=... UNLEASHED_CLIENT_TYPE=acme/orderautomation
  unleashed-sign --key-file ~/.unleashed-key headers 'Customers?customerCode=ACME'
  unleashed-sign headers --format json '/SalesOrders/2?orderStatus=Completed,Backordered'")]
    Headers(HeadersArgs),

    /// Print a complete, shell-quoted curl command for a request, with the query encoded and signed.
    #[command(after_help = "\
Example:
  unleashed-sign curl SalesOrders orderStatus=Completed,Backordered modifiedSince=2024-01-01T00:00:00
  eval \"$(unleashed-sign curl 'Customers' customerName='Acme & Sons')\"
  unleashed-sign curl --method POST --data @order.json 'SalesOrders/Sign'

Values are given as they are meant (a space is a space, + is a plus); the tool percent-encodes them.
A path without a scheme is joined to --base-url. The body is sent with curl's --data-binary, as it is.

The line never follows a redirect (--max-redirs 0, so an added -L fails with curl's exit 47): curl sends
every -H header to whatever host a redirect names, --location-trusted or not, and the signing headers are a
credential. Make the redirected request with its own signed line.")]
    Curl(CurlArgs),

    /// Print the percent-encoded path-and-query built from name=value parameters, and its signature.
    #[command(after_help = "\
Example:
  unleashed-sign build SalesOrders orderStatus=Completed,Backordered 'customerName=Acme & Sons'
prints
  SalesOrders?orderStatus=Completed,Backordered&customerName=Acme%20%26%20Sons
  api-auth-signature: <44 characters>")]
    Build(BuildArgs),

    /// Check a signature against a URL, or every signed request in captured traffic; on a mismatch, find the
    /// mistake that would have produced it.
    #[command(after_help = "\
Example:
  unleashed-sign verify 'https://api.unleashedsoftware.com/Customers?customerCode=ACME' \\
      --signature 'Lmr+WDwecTdchBME7udl6DiaogGW+Gj6HgP8U5JS9qQ='
  unleashed-sign verify --har session.har
  curl -v \"$URL\" -H ... 2>&1 | unleashed-sign verify --curl-trace -

Give the URL exactly as your client sent it, and the api-auth-signature it sent; or a capture of the traffic.
On a mismatch it tries the known causes: the other signed form, the key with surrounding whitespace, + for
spaces, another parameter order, the path included, a leading ?, and names the one that produces the given
signature. In a capture it also checks api-auth-id against UNLEASHED_API_ID and that client-type is there and
well formed; requests without api-auth-signature are counted and skipped. Cookies, Authorization and other
headers are never printed.
Exit code 0 when every signature matches, 1 when one does not (or a capture has no signed request), 2 on bad
input or an unreadable capture.")]
    Verify(VerifyArgs),

    /// Print a shell completion script for unleashed-sign.
    #[command(after_help = "\
Example:
  unleashed-sign completions bash > ~/.local/share/bash-completion/completions/unleashed-sign

cli/README.md's \"Shell completions and the man page\" section has the lines for each shell.")]
    Completions(CompletionsArgs),

    /// Print the man page (roff), or write it and a page for each command into a directory.
    #[command(after_help = "\
Example:
  unleashed-sign man --dir ~/.local/share/man/man1 && man unleashed-sign-verify
  unleashed-sign man | man -l -")]
    Man(ManArgs),
}

/// `headers`.
#[derive(Debug, Args)]
pub struct HeadersArgs {
    /// The URL or path-and-query as it is sent, e.g. `Customers?customerCode=ACME`.
    #[arg(value_name = "URL")]
    pub url: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    #[command(flatten)]
    pub identity: Identity,
}

/// `curl`.
#[derive(Debug, Args)]
pub struct CurlArgs {
    /// An absolute http(s) URL, or a path (optionally with a query) joined to --base-url.
    #[arg(value_name = "URL")]
    pub url: String,
    /// Query parameters, `name=value`, appended to the URL's query in order and percent-encoded.
    #[arg(value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// The HTTP method; GET by default, POST when --data is given.
    #[arg(long, short = 'X', value_name = "METHOD")]
    pub method: Option<String>,
    /// The request body, passed to curl as it is: `@file` reads a file, anything else is sent literally.
    #[arg(long, short = 'd', value_name = "DATA")]
    pub data: Option<String>,
    /// Where a path is sent.
    #[arg(long, value_name = "URL", default_value = "https://api.unleashedsoftware.com")]
    pub base_url: String,
    #[command(flatten)]
    pub identity: Identity,
}

/// `build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The path, e.g. `SalesOrders` or `/SalesOrders/2`.
    #[arg(value_name = "PATH")]
    pub path: String,
    /// Query parameters, `name=value`, percent-encoded in order.
    #[arg(value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// `verify`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("input").required(true).args(["url", "har", "raw", "curl_trace"])))]
#[command(group(ArgGroup::new("capture").args(["har", "raw", "curl_trace"])))]
pub struct VerifyArgs {
    /// The URL or path-and-query exactly as it was sent.
    #[arg(value_name = "URL", requires = "signature")]
    pub url: Option<String>,
    /// The api-auth-signature that was sent with it.
    #[arg(long, short = 's', value_name = "SIGNATURE", requires = "url")]
    pub signature: Option<String>,
    /// Check every signed request in a HAR 1.2 file (browser developer tools, Postman, Insomnia); `-` reads stdin.
    #[arg(long, value_name = "FILE")]
    pub har: Option<PathBuf>,
    /// Check every signed request in a file of raw HTTP/1.1 requests (mitmproxy, Fiddler, Charles, Burp).
    #[arg(long, value_name = "FILE")]
    pub raw: Option<PathBuf>,
    /// Check every signed request in `curl -v` (stderr) or `curl --trace-ascii` output.
    #[arg(long, value_name = "FILE")]
    pub curl_trace: Option<PathBuf>,
    /// Output format for a capture's report.
    #[arg(long, value_enum, value_name = "FORMAT", requires = "capture")]
    pub format: Option<Format>,
    /// The API id the capture's api-auth-id should be; defaults to UNLEASHED_API_ID.
    #[arg(long, value_name = "GUID", requires = "capture")]
    pub api_id: Option<String>,
}

/// `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: CompletionShell,
}

/// `man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write unleashed-sign.1 and unleashed-sign-COMMAND.1 into this directory instead of printing.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// The shells `completions` writes for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CompletionShell {
    /// bash (with the bash-completion package).
    Bash,
    /// zsh.
    Zsh,
    /// fish.
    Fish,
    /// PowerShell.
    Powershell,
}

/// The non-secret header values, each with an environment fallback.
#[derive(Debug, Args)]
pub struct Identity {
    /// The API id; defaults to UNLEASHED_API_ID.
    #[arg(long, value_name = "GUID")]
    pub api_id: Option<String>,
    /// The client-type header; defaults to UNLEASHED_CLIENT_TYPE.
    #[arg(long, value_name = "OWNER/APP")]
    pub client_type: Option<String>,
    /// The media type for Accept and Content-Type.
    #[arg(long, value_enum, default_value_t = Media::Json)]
    pub media_type: Media,
}

/// `--signed-form`, mirroring the core's [`SignedForm`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Form {
    /// The percent-decoded query, as a person writes it.
    Decoded,
    /// The query exactly as sent.
    Wire,
}

impl From<SignedForm> for Form {
    fn from(form: SignedForm) -> Self {
        match form {
            SignedForm::Decoded => Self::Decoded,
            SignedForm::Wire => Self::Wire,
        }
    }
}

impl From<Form> for SignedForm {
    fn from(form: Form) -> Self {
        match form {
            Form::Decoded => Self::Decoded,
            Form::Wire => Self::Wire,
        }
    }
}

/// Output format of `headers`, `build` and `verify` on a capture.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// `name: value` lines.
    Text,
    /// One JSON object on one line.
    Json,
}

/// `--media-type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Media {
    /// application/json
    Json,
    /// application/xml
    Xml,
}

impl From<Media> for MediaType {
    fn from(media: Media) -> Self {
        match media {
            Media::Json => Self::Json,
            Media::Xml => Self::Xml,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn the_default_form_is_the_cores() {
        let cli = Cli::try_parse_from(["unleashed-sign", "build", "Customers"]).unwrap();
        assert_eq!(SignedForm::from(cli.global.signed_form), SignedForm::default());
    }
}
